//! Base module: the documented exit codes, which every step's verdict and
//! error maps itself to.

use std::process::ExitCode;

/// How a command ended, as the documented exit codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Exit {
    /// 0: done.
    Done,
    /// 1: the step's verdict is negative (lint errors, credentials rejected, cancelled).
    Negative,
    /// 2: usage or input error (unknown source, unreadable spec).
    Input,
    /// 3: no verdict could be reached (network, timeout).
    NoVerdict,
    /// `exec`: the exit code of the command it ran, passed on as is.
    Child(u8),
}

impl Exit {
    pub fn code(self) -> u8 {
        match self {
            Exit::Done => 0,
            Exit::Negative => 1,
            Exit::Input => 2,
            Exit::NoVerdict => 3,
            Exit::Child(code) => code,
        }
    }
}

impl From<Exit> for ExitCode {
    fn from(exit: Exit) -> ExitCode {
        ExitCode::from(exit.code())
    }
}
