#[persist] static int x;
