/* stub: replaced by its implementation */
#include "config.h"
