//! Where commands write. Standard output: every command writes with `writeln!(out, …)?`, so
//! a closed pipe (`| head -1`) is an `io::Error` of kind `BrokenPipe` that the command
//! returns and [`is_broken_pipe`] lets `main` turn into a quiet exit 0, as ripgrep does.
//! `check -o FILE`: never one of the inputs, and written to a temporary file beside FILE
//! that is renamed over it only when the report is complete.

use std::fs::File;
use std::io::{self, StdoutLock};
use std::os::fd::AsFd;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use tempfile::NamedTempFile;

/// Standard output for a command's report; a write error must be returned, not ignored.
pub fn stdout() -> StdoutLock<'static> {
    io::stdout().lock()
}

/// A closed pipe is not an error: the reader has all it wanted.
pub fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<io::Error>()
            .is_some_and(|io| io.kind() == io::ErrorKind::BrokenPipe)
    })
}

/// Refuse an output that is one of the inputs (the same file by device and inode, through
/// any link or path spelling, or what standard input reads for `-`): writing it would
/// destroy the claims while they are read. An output that does not exist yet is no input.
pub fn refuse_input(output: &Path, inputs: &[String]) -> Result<()> {
    let Ok(out) = std::fs::metadata(output) else {
        return Ok(());
    };
    if !out.is_file() {
        return Ok(());
    }
    for input in inputs {
        let meta = if input == "-" {
            io::stdin()
                .as_fd()
                .try_clone_to_owned()
                .map(File::from)
                .and_then(|f| f.metadata())
        } else {
            std::fs::metadata(input)
        };
        if meta.is_ok_and(|m| m.dev() == out.dev() && m.ino() == out.ino()) {
            let what = if input == "-" {
                "standard input".to_string()
            } else {
                format!("the input `{input}`")
            };
            bail!(
                "the output `{}` is {what}: writing it would destroy the claims being read; \
                 name another output file",
                output.display()
            );
        }
    }
    Ok(())
}

/// `check -o FILE`: a regular file is written to a temporary file in its directory and
/// renamed into place by [`Report::persist`]; dropped before that (an error), the temporary
/// file is removed and FILE is left as it was. A device or pipe (`/dev/null`, a FIFO) is
/// written directly: it cannot be replaced.
pub enum Report {
    Atomic { tmp: NamedTempFile, path: PathBuf },
    Direct,
}

impl Report {
    /// Open the output; the file handle is what the report is written to.
    pub fn create(path: &Path) -> Result<(Report, File)> {
        let cannot = || format!("cannot create `{}`", path.display());
        if std::fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir()) {
            let file = File::create(path).with_context(cannot)?;
            return Ok((Report::Direct, file));
        }
        if path.is_dir() {
            bail!("the output `{}` is a directory", path.display());
        }
        // Through a symlink the link's target is replaced, as writing it in place would.
        let path = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        // The replaced file's mode, or 0o666 less the umask for a new one, as `File::create`
        // would leave it.
        let mode = std::fs::metadata(&path)
            .map(|m| m.permissions())
            .unwrap_or_else(|_| std::os::unix::fs::PermissionsExt::from_mode(0o666));
        let tmp = tempfile::Builder::new()
            .prefix(".claimscrub-")
            .suffix(".tmp")
            .permissions(mode)
            .tempfile_in(dir)
            .with_context(cannot)?;
        let file = tmp.as_file().try_clone().with_context(cannot)?;
        Ok((Report::Atomic { tmp, path }, file))
    }

    /// The report is complete: put it in place.
    pub fn persist(self) -> Result<()> {
        if let Report::Atomic { tmp, path } = self {
            let cannot = || format!("cannot write `{}`", path.display());
            tmp.as_file().sync_all().with_context(cannot)?;
            tmp.persist(&path)
                .map_err(|e| e.error)
                .with_context(cannot)?;
        }
        Ok(())
    }
}
