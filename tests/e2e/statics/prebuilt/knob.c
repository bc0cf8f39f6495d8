/* A prebuilt static library with file-static state: compiled with
 * -DKNOB=<name>, it defines <name>_set and <name>_get. */
#define KNOB_JOIN2(name, verb) name##_##verb
#define KNOB_JOIN(name, verb) KNOB_JOIN2(name, verb)

static int value;

void KNOB_JOIN(KNOB, set)(int v)
{
    value = v;
}

int KNOB_JOIN(KNOB, get)(void)
{
    return value;
}
