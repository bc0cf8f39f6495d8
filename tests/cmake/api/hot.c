/* The hot half. setups.sh rewrites the marked line to call the API. */
#include <vais/hot.h>

// #[hot]
long tick(void)
{
    return 1; /* mark */
}
