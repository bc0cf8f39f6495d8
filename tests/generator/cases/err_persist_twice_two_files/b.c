/* Defined again here: the linker would say so too, but later. */
// #[persist]
int level = 2;
