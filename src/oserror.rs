//! Chinese text for the operating system's errors. A `std::io::Error` prints in English with
//! its code (`No such file or directory (os error 2)`); every message that reports one uses
//! [`reason`] instead, which says what happened in words a user can act on.

use std::io::{Error, ErrorKind};

/// What went wrong, in Chinese, by kind — a plain statement; the caller adds what to do. An
/// error of no known kind is named by its system code, never by the OS's English text.
pub fn reason(e: &Error) -> String {
    match known(e) {
        Some(text) => text.to_string(),
        None => match e.raw_os_error() {
            Some(code) => format!("系统错误（代码 {code}）"),
            None => "系统错误".to_string(),
        },
    }
}

/// [`reason`]'s words for the kinds it knows; `None` for the rest.
fn known(e: &Error) -> Option<&'static str> {
    Some(match e.kind() {
        ErrorKind::NotFound => "文件或文件夹不存在",
        ErrorKind::PermissionDenied => "没有权限",
        ErrorKind::AlreadyExists => "已有同名的文件或文件夹",
        ErrorKind::StorageFull => "磁盘已满",
        ErrorKind::QuotaExceeded => "磁盘配额已用完",
        ErrorKind::ReadOnlyFilesystem => "磁盘是只读的",
        ErrorKind::IsADirectory => "这是一个文件夹，不是文件",
        ErrorKind::NotADirectory => "路径中有一段是文件而不是文件夹",
        ErrorKind::DirectoryNotEmpty => "文件夹不是空的",
        ErrorKind::FileTooLarge => "文件超过该磁盘允许的大小",
        ErrorKind::InvalidFilename => "文件名不被该磁盘接受（无效或太长）",
        ErrorKind::ResourceBusy | ErrorKind::ExecutableFileBusy => "文件正被其他程序占用",
        ErrorKind::CrossesDevices => "不能跨磁盘移动文件",
        ErrorKind::TooManyLinks => "链接过多",
        ErrorKind::InvalidData => "文件内容无效或已损坏",
        ErrorKind::UnexpectedEof => "文件不完整（内容提前结束），可能已损坏",
        ErrorKind::WouldBlock => "文件暂时无法读取（可能是管道或设备）",
        ErrorKind::BrokenPipe => "输出管道已关闭",
        ErrorKind::TimedOut => "操作超时",
        ErrorKind::Interrupted => "被中断",
        ErrorKind::OutOfMemory => "内存不足",
        ErrorKind::Unsupported => "此系统不支持该操作",
        ErrorKind::StaleNetworkFileHandle | ErrorKind::NetworkDown | ErrorKind::HostUnreachable => "网络文件夹无法访问",
        _ => return None,
    })
}

/// [`reason`] for an error while reading a file the user named (the workbook, a seal).
pub fn reason_reading(e: &Error) -> String {
    match e.kind() {
        ErrorKind::NotFound => "文件不存在".to_string(),
        ErrorKind::PermissionDenied => "没有读取权限；请检查文件权限，或把文件复制到自己的文件夹再试".to_string(),
        ErrorKind::ResourceBusy | ErrorKind::ExecutableFileBusy => "文件正被其他程序占用，请关闭后重试".to_string(),
        _ if known(e).is_none() && e.raw_os_error().is_some() => {
            format!("读取失败（{}）；请确认文件完好、可以打开", reason(e))
        }
        _ => reason(e),
    }
}

/// [`reason`] for an error while creating or writing a file, where "not found" can only mean
/// the folder it goes in.
pub fn reason_writing(e: &Error) -> String {
    match e.kind() {
        ErrorKind::NotFound => "所在文件夹不存在（可能在运行中被删除或移走）".to_string(),
        ErrorKind::PermissionDenied => "没有写入权限".to_string(),
        ErrorKind::IsADirectory => "已有同名的文件夹".to_string(),
        ErrorKind::AlreadyExists => "已有同名的文件".to_string(),
        _ => reason(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn os_errors_read_in_chinese_without_the_english_text() {
        let missing = std::fs::File::open("/no/such/file/here").unwrap_err();
        assert_eq!(reason(&missing), "文件或文件夹不存在");
        let full = Error::from_raw_os_error(28); // ENOSPC on Linux
        assert_eq!(reason(&full), "磁盘已满");
        assert_eq!(reason_writing(&missing), "所在文件夹不存在（可能在运行中被删除或移走）");
        let eio = Error::from_raw_os_error(5); // EIO: no kind of its own
        assert_eq!(reason_reading(&eio), "读取失败（系统错误（代码 5））；请确认文件完好、可以打开");
        let odd = Error::other("some English text");
        assert_eq!(reason(&odd), "系统错误");
        for e in [missing, full, odd] {
            assert!(!reason(&e).chars().any(|c| c.is_ascii_alphabetic()), "{}", reason(&e));
        }
    }
}
