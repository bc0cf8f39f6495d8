/* A declaration is not a definition. */
#[hot]
int update(int frame);
