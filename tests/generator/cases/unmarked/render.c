/* A second file: its functions are listed with its own name; a declaration
 * defines nothing. */
struct body;

int draw(const struct body *b) { return b != 0; }

double integrate(struct body *b, double dt);

int step_count(void) { return 0; }

#[hot]
int frame(void) { return step_count(); }
