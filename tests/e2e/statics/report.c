/* The hot half: reports the state of every library as it sees it, and
 * the version vais-hot's runtime (the core's) says runs. The tests rewrite
 * the marked line. */
#include "greet.h"
#include "knob.h"
#include "meter.h"
#include "names.h"
#include "registry.h"
#include "tally.h"

#include <math.h>
#include <stdio.h>
#include <vais/hot.h>

/* A definition that reaches this file only through registry's PUBLIC link
 * to names. */
_Static_assert(NAMES_MAX == 8, "names' usage requirements reach the hot library");

#[hot]
long report(char *out, size_t size)
{
    snprintf(out, size,
             "registry:%d,length:%d,vowels:%d,tally:%d,meter:%d,dial:%d,gauge:%d,knob:%d,greet:%d,"
             "root:%d,version:%ld",
             registry_count(), registry_total_length(), names_vowels("alpha"), tally_count(),
             meter_get(), dial_get(), gauge_get(), knob_get(), greet_count(),
             (int)sqrt(3.0 * registry_count()), hot_version());
    return 1; /* mark */
}
