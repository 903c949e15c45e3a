//! Synthetic claims as an X12 837 interchange: one ISA, then a functional group and
//! transaction set per run of up to [`CLAIMS_PER_SET`] claims of one kind (837P 005010X222A1
//! or 837I 005010X223A2); a new 2000A billing-provider loop whenever the provider changes,
//! one 2000B subscriber (the patient) per claim. A set's BHT04 is its first claim's
//! submission date, which every claim of the set reads back.

use std::io::{self, Write};

use jiff::civil::Date;

use crate::claim::{Claim, ClaimKind, DxRole, Sex};

/// Claims per transaction set (real submitters split files of this order).
const CLAIMS_PER_SET: usize = 5000;

/// `CCYYMMDD`.
fn d8(d: Date) -> String {
    format!("{:04}{:02}{:02}", d.year(), d.month(), d.day())
}

/// An amount as X12 writes it: no trailing zeros.
fn amount(v: Option<f64>) -> String {
    v.map(|v| format!("{v}")).unwrap_or_default()
}

/// The open transaction set.
struct Set {
    kind: ClaimKind,
    segments: usize,
    claims: usize,
    hl: usize,
    billing_hl: usize,
    billing: Option<String>,
}

/// Streams claims into one interchange; [`X12Writer::finish`] closes it.
pub(super) struct X12Writer<'w> {
    out: &'w mut dyn Write,
    set: Option<Set>,
    groups: usize,
}

impl<'w> X12Writer<'w> {
    /// Write the ISA.
    pub(super) fn begin(out: &'w mut dyn Write) -> io::Result<X12Writer<'w>> {
        out.write_all(b"ISA*00*          *00*          *ZZ*SYNTHSUBMIT    *ZZ*SYNTHRECEIVE   *260701*1200*^*00501*000000001*0*P*:~\n")?;
        Ok(X12Writer {
            out,
            set: None,
            groups: 0,
        })
    }

    /// A segment of the open set, counted for SE01.
    fn seg(&mut self, s: &str) -> io::Result<()> {
        if let Some(set) = &mut self.set {
            set.segments += 1;
        }
        self.out.write_all(s.as_bytes())?;
        self.out.write_all(b"~\n")
    }

    /// Close the open set and its group.
    fn close_set(&mut self) -> io::Result<()> {
        if let Some(set) = &self.set {
            let n = set.segments + 1;
            let g = self.groups;
            self.seg(&format!("SE*{n}*{g:04}"))?;
            self.set = None;
            self.out.write_all(format!("GE*1*{g}~\n").as_bytes())?;
        }
        Ok(())
    }

    /// Open a group and set for claims of `kind`, submitted on `date`.
    fn open_set(&mut self, kind: ClaimKind, date: Date) -> io::Result<()> {
        self.groups += 1;
        let g = self.groups;
        let version = match kind {
            ClaimKind::Professional => "005010X222A1",
            ClaimKind::Institutional => "005010X223A2",
        };
        self.out.write_all(
            format!(
                "GS*HC*SYNTHSUBMIT*SYNTHRECEIVE*{}*1200*{g}*X*{version}~\n",
                d8(date)
            )
            .as_bytes(),
        )?;
        self.set = Some(Set {
            kind,
            segments: 0,
            claims: 0,
            hl: 0,
            billing_hl: 0,
            billing: None,
        });
        self.seg(&format!("ST*837*{g:04}*{version}"))?;
        self.seg(&format!("BHT*0019*00*{g:04}*{}*1200*CH", d8(date)))?;
        self.seg("NM1*41*2*SYNTHETIC SUBMITTER*****46*S0001")?;
        self.seg("PER*IC*CONTACT*TE*5555550100")?;
        self.seg("NM1*40*2*SYNTHETIC RECEIVER*****46*R0001")
    }

    /// Write one claim (opening a set, and a billing-provider loop, as needed).
    pub(super) fn claim(&mut self, c: &Claim) -> io::Result<()> {
        let reopen = self
            .set
            .as_ref()
            .is_none_or(|s| s.kind != c.kind || s.claims >= CLAIMS_PER_SET);
        if reopen {
            self.close_set()?;
            let date = c.submission_date.unwrap_or(jiff::civil::date(2026, 7, 1));
            self.open_set(c.kind, date)?;
        }
        let inst = c.kind == ClaimKind::Institutional;
        let npi = c.billing_provider.npi.clone();
        let key = format!("{npi:?}{:?}", c.billing_provider.tax_id);
        let new_billing = self
            .set
            .as_ref()
            .is_some_and(|s| s.billing.as_deref() != Some(key.as_str()));
        if new_billing {
            let hl = self.next_hl(true, key);
            self.seg(&format!("HL*{hl}**20*1"))?;
            if let Some(t) = &c.billing_provider.taxonomy {
                self.seg(&format!("PRV*BI*PXC*{t}"))?;
            }
            let name = if inst {
                "SYNTHETIC HOSPITAL"
            } else {
                "SYNTHETIC CLINIC"
            };
            match &npi {
                Some(n) => self.seg(&format!("NM1*85*2*{name}*****XX*{n}"))?,
                None => self.seg(&format!("NM1*85*2*{name}"))?,
            }
            self.seg("N3*100 MAIN ST")?;
            self.seg("N4*SPRINGFIELD*IL*627010001")?;
            if let Some(t) = &c.billing_provider.tax_id {
                self.seg(&format!("REF*EI*{t}"))?;
            }
        }
        self.subscriber(c)?;
        self.clm(c)?;
        if let Some(s) = &mut self.set {
            s.claims += 1;
        }
        Ok(())
    }

    /// The next HL number; a billing-provider HL becomes the parent of later subscribers.
    fn next_hl(&mut self, billing: bool, key: String) -> usize {
        let Some(s) = &mut self.set else { return 0 };
        s.hl += 1;
        if billing {
            s.billing_hl = s.hl;
            s.billing = Some(key);
        }
        s.hl
    }

    /// The 2000B subscriber loop: SBR, NM1*IL, DMG, NM1*PR.
    fn subscriber(&mut self, c: &Claim) -> io::Result<()> {
        let parent = self.set.as_ref().map_or(1, |s| s.billing_hl);
        let hl = self.next_hl(false, String::new());
        self.seg(&format!("HL*{hl}*{parent}*22*0"))?;
        let resp = c.payer.responsibility.as_deref().unwrap_or("P");
        let plan = c.payer.plan.as_deref().unwrap_or("");
        self.seg(&format!("SBR*{resp}*18*******{plan}"))?;
        match &c.patient.member_id {
            Some(m) => self.seg(&format!("NM1*IL*1*SYNTHETIC*PAT****MI*{m}"))?,
            None => self.seg("NM1*IL*1*SYNTHETIC*PAT")?,
        }
        self.seg("N3*200 ELM ST")?;
        self.seg("N4*SPRINGFIELD*IL*627020002")?;
        let dob = c.patient.date_of_birth.map(d8).unwrap_or_default();
        let sex = c.patient.sex.map_or("", Sex::as_str);
        self.seg(&format!("DMG*D8*{dob}*{sex}"))?;
        let payer = c.payer.id.as_deref().unwrap_or("");
        let name = c.payer.name.as_deref().unwrap_or("PAYER");
        self.seg(&format!("NM1*PR*2*{name}*****PI*{payer}"))
    }

    /// The 2300 claim and its 2400 lines.
    fn clm(&mut self, c: &Claim) -> io::Result<()> {
        let inst = c.kind == ClaimKind::Institutional;
        let freq = c.frequency.as_deref().unwrap_or("1");
        let facility = if inst {
            let bt = c.bill_type.as_deref().unwrap_or("111");
            bt.get(..bt.len().saturating_sub(1))
                .unwrap_or("11")
                .to_string()
        } else {
            c.place_of_service.clone().unwrap_or_default()
        };
        let qual = if inst { "A" } else { "B" };
        let total = amount(c.total_charge);
        if inst {
            self.seg(&format!(
                "CLM*{}*{total}***{facility}:{qual}:{freq}**A*Y*Y",
                c.id
            ))?;
            if let (Some(f), Some(t)) = (c.statement_from, c.statement_to) {
                self.seg(&format!("DTP*434*RD8*{}-{}", d8(f), d8(t)))?;
            }
            if let Some(a) = c.admission_date {
                self.seg(&format!("DTP*435*D8*{}", d8(a)))?;
            }
            let status = c.discharge_status.as_deref().unwrap_or("");
            self.seg(&format!("CL1*1*1*{status}"))?;
        } else {
            self.seg(&format!(
                "CLM*{}*{total}***{facility}:{qual}:{freq}*Y*A*Y*Y",
                c.id
            ))?;
        }
        if let Some(a) = &c.prior_authorization {
            self.seg(&format!("REF*G1*{a}"))?;
        }
        self.diagnoses(c, inst)?;
        if inst {
            self.procedures(c)?;
        }
        let (role, loop_name) = if inst {
            ("71", &c.attending_provider)
        } else {
            ("82", &c.rendering_provider)
        };
        if let Some(p) = loop_name {
            let npi = p.npi.as_deref().unwrap_or("");
            self.seg(&format!("NM1*{role}*1*SYNTHETIC*DOC****XX*{npi}"))?;
            if let Some(t) = &p.taxonomy {
                let q = if inst { "AT" } else { "PE" };
                self.seg(&format!("PRV*{q}*PXC*{t}"))?;
            }
        }
        for (i, l) in c.lines.iter().enumerate() {
            self.seg(&format!("LX*{}", i + 1))?;
            let mut code = l
                .procedure
                .as_deref()
                .map(|p| format!("HC:{p}"))
                .unwrap_or_default();
            for m in &l.modifiers {
                code.push(':');
                code.push_str(m);
            }
            let units = amount(l.units);
            let charge = amount(l.charge);
            if inst {
                let rev = l.revenue_code.as_deref().unwrap_or("");
                self.seg(&format!("SV2*{rev}*{code}*{charge}*UN*{units}"))?;
            } else {
                let pos = l.place_of_service.as_deref().unwrap_or("");
                let ptr: Vec<String> = l.diagnosis_pointers.iter().map(u32::to_string).collect();
                self.seg(&format!(
                    "SV1*{code}*{charge}*UN*{units}*{pos}**{}",
                    ptr.join(":")
                ))?;
            }
            match (l.from, l.to) {
                (Some(f), Some(t)) if t != f => {
                    self.seg(&format!("DTP*472*RD8*{}-{}", d8(f), d8(t)))?
                }
                (Some(f), _) => self.seg(&format!("DTP*472*D8*{}", d8(f)))?,
                _ => {}
            }
        }
        Ok(())
    }

    /// HI segments of up to 12 diagnoses each (principal first, admitting, then the others).
    fn diagnoses(&mut self, c: &Claim, inst: bool) -> io::Result<()> {
        let mut parts = Vec::with_capacity(c.diagnoses.len());
        for d in &c.diagnoses {
            let q = match d.role {
                DxRole::Principal => "ABK",
                DxRole::Admitting => "ABJ",
                DxRole::ReasonForVisit => "APR",
                DxRole::ExternalCause => "ABN",
                DxRole::Other => "ABF",
            };
            let poa = match (&d.poa, inst) {
                (Some(p), true) => format!(":::::::{p}"),
                _ => String::new(),
            };
            parts.push(format!("{q}:{}{poa}", d.code));
        }
        for chunk in parts.chunks(12) {
            self.seg(&format!("HI*{}", chunk.join("*")))?;
        }
        Ok(())
    }

    /// HI segments of ICD-10-PCS procedures with their dates.
    fn procedures(&mut self, c: &Claim) -> io::Result<()> {
        let parts: Vec<String> = c
            .procedures
            .iter()
            .map(|p| {
                let q = if p.principal { "BBR" } else { "BBQ" };
                match p.date {
                    Some(d) => format!("{q}:{}:D8:{}", p.code, d8(d)),
                    None => format!("{q}:{}", p.code),
                }
            })
            .collect();
        for chunk in parts.chunks(12) {
            self.seg(&format!("HI*{}", chunk.join("*")))?;
        }
        Ok(())
    }

    /// Close the open set and write the IEA.
    pub(super) fn finish(mut self) -> io::Result<()> {
        self.close_set()?;
        let g = self.groups;
        self.out
            .write_all(format!("IEA*{g}*000000001~\n").as_bytes())
    }
}
