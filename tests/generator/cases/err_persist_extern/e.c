#[persist]
extern int shared;
