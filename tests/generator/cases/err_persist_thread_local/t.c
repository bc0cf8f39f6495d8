#[persist]
static _Thread_local int seen;
