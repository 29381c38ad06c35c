/* model_look.h — for the tests that look at livetop's model (model.h): a
 * row by its name and whether the event log holds a text. */
#ifndef MODEL_LOOK_H
#define MODEL_LOOK_H

#include "model.h"

#include <stdbool.h>
#include <string.h>

static const struct row *row(const struct model *m, const char *name)
{
	int i = model_find(m, name);

	return i < 0 ? NULL : &m->rows[i];
}

static bool log_has(const struct model *m, const char *text)
{
	for (size_t i = 0; model_log_get(m, i); i++)
		if (strstr(model_log_get(m, i)->text, text))
			return true;
	return false;
}

#endif
