//! Reading a file the user named — the workbook or a seal image — without trusting what the
//! path is: only a regular file is opened (a FIFO would block the run, a device such as
//! `/dev/zero` never ends, a folder is not a file), it is opened without blocking, and never
//! more than a set number of bytes is read from it.

use std::io::Read;
use std::path::Path;

/// Why a path could not be read as a file. Each caller words the message for its own place
/// (a workbook, a 印章 cell, a `--seal` option).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileFault {
    Missing,
    Folder,
    /// A FIFO, device or socket: the Chinese name of what it is.
    NotRegular(&'static str),
    /// Larger than the limit (bytes) the caller allows.
    TooLarge(u64),
    Empty,
    /// Any other failure, already in Chinese (no OS text).
    Io(String),
}

impl FileFault {
    /// What is wrong, in Chinese, without the file name.
    pub fn describe(&self) -> String {
        match self {
            FileFault::Missing => "文件不存在".into(),
            FileFault::Folder => "这是一个文件夹，不是文件".into(),
            FileFault::NotRegular(kind) => format!("这是{kind}，不是普通文件"),
            FileFault::TooLarge(limit) => format!("文件超过 {} 的上限", size_text(*limit)),
            FileFault::Empty => "是空文件（0 字节）".into(),
            FileFault::Io(reason) => reason.clone(),
        }
    }
}

/// `2 MB`, `64 MB`: a limit as people say it.
pub fn size_text(bytes: u64) -> String {
    const MB: u64 = 1024 * 1024;
    if bytes >= MB && bytes.is_multiple_of(MB) {
        format!("{} MB", bytes / MB)
    } else if bytes >= 1024 {
        format!("{} KB", bytes / 1024)
    } else {
        format!("{bytes} 字节")
    }
}

/// What kind of thing `meta` is, when it is not a regular file or a folder.
fn special_kind(meta: &std::fs::Metadata) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let t = meta.file_type();
        if t.is_fifo() {
            return "命名管道（FIFO）";
        }
        if t.is_char_device() || t.is_block_device() {
            return "设备文件";
        }
        if t.is_socket() {
            return "套接字";
        }
    }
    let _ = meta;
    "特殊文件"
}

/// Check what `path` is (following links) without opening it.
pub fn check_regular(path: &Path) -> Result<std::fs::Metadata, FileFault> {
    let meta = std::fs::metadata(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => FileFault::Missing,
        _ => FileFault::Io(crate::oserror::reason_reading(&e)),
    })?;
    if meta.is_dir() {
        return Err(FileFault::Folder);
    }
    if !meta.is_file() {
        return Err(FileFault::NotRegular(special_kind(&meta)));
    }
    Ok(meta)
}

/// The whole content of the regular file at `path`, at most `limit` bytes.
///
/// The path is checked before it is opened, and opened non-blocking (a FIFO swapped in
/// between would otherwise block the open), and the opened handle is checked again; the read
/// stops after `limit` bytes whatever the file claims its size is.
pub fn read_limited(path: &Path, limit: u64) -> Result<Vec<u8>, FileFault> {
    check_regular(path)?;
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options.open(path).map_err(|e| FileFault::Io(crate::oserror::reason_reading(&e)))?;
    let meta = file.metadata().map_err(|e| FileFault::Io(crate::oserror::reason_reading(&e)))?;
    if !meta.is_file() {
        return Err(FileFault::NotRegular(special_kind(&meta)));
    }
    if meta.len() > limit {
        return Err(FileFault::TooLarge(limit));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(limit + 1).read_to_end(&mut bytes).map_err(|e| FileFault::Io(crate::oserror::reason_reading(&e)))?;
    if bytes.len() as u64 > limit {
        return Err(FileFault::TooLarge(limit));
    }
    if bytes.is_empty() {
        return Err(FileFault::Empty);
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_regular_files_are_read() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(read_limited(dir.path(), 10), Err(FileFault::Folder));
        assert_eq!(read_limited(&dir.path().join("none"), 10), Err(FileFault::Missing));
        let f = dir.path().join("f");
        std::fs::write(&f, b"").unwrap();
        assert_eq!(read_limited(&f, 10), Err(FileFault::Empty));
        std::fs::write(&f, b"0123456789A").unwrap();
        assert_eq!(read_limited(&f, 10), Err(FileFault::TooLarge(10)));
        assert_eq!(read_limited(&f, 11).unwrap().len(), 11);
        #[cfg(unix)]
        {
            assert!(matches!(read_limited(Path::new("/dev/zero"), 10), Err(FileFault::NotRegular("设备文件"))));
            let fifo = dir.path().join("fifo");
            let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
            assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
            assert!(matches!(read_limited(&fifo, 10), Err(FileFault::NotRegular("命名管道（FIFO）"))));
        }
    }
}
