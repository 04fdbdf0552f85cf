//! Nothing here: the tests in `tests/` use `cds-ccs` from outside the SDK's workspace.
