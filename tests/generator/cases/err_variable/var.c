#[hot]
int counter = 0;
