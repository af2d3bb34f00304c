/*
 * common.c - haven/common.h: what every part of the API shares.
 */
#include <stdlib.h>

#include "haven/common.h"

void haven_free(void *p)
{
	free(p);
}
