//! Writing a file so that it is either wholly there or not changed at all:
//! a temp file in the same folder, flushed to disk, then renamed over the
//! target (a symlink at the target is replaced, never followed).

use std::io::Write;
use std::path::{Path, PathBuf};

/// Who may read a written file and its newly created folders.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// File 0600, new folders 0700 (credentials).
    Private,
    /// The process's defaults (umask).
    Shared,
}

/// Keeps a copy of `path` at `backup` by the same rules as every write: a
/// temp file renamed over `backup`, so a symlink there is replaced, never
/// followed (a `.bak -> ~/.bashrc` link left in a checkout stays harmless).
pub fn backup(path: &Path, backup: &Path) -> std::io::Result<()> {
    let contents = std::fs::read(path)?;
    write(backup, &contents, Access::Shared)
}

/// Writes `contents` to `path` atomically.
pub fn write(path: &Path, contents: &[u8], access: Access) -> std::io::Result<()> {
    let folder = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    if !folder.is_dir() {
        create_dir(&folder, access)?;
    }
    let mut file = tempfile::Builder::new()
        .prefix(".connector-auth-")
        .suffix(".tmp")
        .tempfile_in(&folder)?;
    if access == Access::Shared {
        shared(file.path())?;
    }
    file.write_all(contents)?;
    file.as_file().sync_all()?;
    file.persist(path).map_err(|e| e.error)?;
    sync_dir(&folder);
    Ok(())
}

#[cfg(unix)]
fn create_dir(path: &Path, access: Access) -> std::io::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    if access == Access::Private {
        builder.mode(0o700);
    }
    builder.create(path)
}

#[cfg(not(unix))]
fn create_dir(path: &Path, _access: Access) -> std::io::Result<()> {
    std::fs::create_dir_all(path)
}

/// tempfile creates 0600; a shared file gets the usual 0644.
#[cfg(unix)]
fn shared(path: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o644))
}

#[cfg(not(unix))]
fn shared(_path: &Path) -> std::io::Result<()> {
    Ok(())
}

#[cfg(unix)]
fn sync_dir(folder: &Path) {
    if let Ok(dir) = std::fs::File::open(folder) {
        let _ = dir.sync_all();
    }
}

#[cfg(not(unix))]
fn sync_dir(_folder: &Path) {}
