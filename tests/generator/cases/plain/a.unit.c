#line 1 "a.c"

int step(int x) { return x + 1; }


int draw(void) { return 0; }
