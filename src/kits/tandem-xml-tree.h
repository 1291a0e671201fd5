/* tandem-xml-tree.h — a small element tree read with GMarkup, for Hydrogen's files
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _TandemXmlNode TandemXmlNode;

struct _TandemXmlNode
{
  char          *name;      /* element name as written, without a namespace prefix */
  GString       *text;      /* the element's own text, entities decoded */
  GPtrArray     *children;  /* TandemXmlNode, owned */
  TandemXmlNode *parent;
};

/* Limits: a document this deep or with this many elements is refused. */
#define TANDEM_XML_MAX_DEPTH    32
#define TANDEM_XML_MAX_ELEMENTS 500000

/* Parses @data (UTF-8 XML); errors are G_MARKUP_ERROR with line and column. */
TandemXmlNode *tandem_xml_parse       (const char          *data,
                                       gsize                length,
                                       GError             **error);
void           tandem_xml_free        (TandemXmlNode       *node);

/* The first child element called @name, or NULL. */
TandemXmlNode *tandem_xml_child       (const TandemXmlNode *node,
                                       const char          *name);
/* The stripped text of the child @name, or @fallback when there is none. */
const char    *tandem_xml_child_text  (const TandemXmlNode *node,
                                       const char          *name,
                                       const char          *fallback);
/* The child's text as a number; @fallback when missing or not a number. */
double         tandem_xml_child_double (const TandemXmlNode *node,
                                        const char          *name,
                                        double               fallback);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TandemXmlNode, tandem_xml_free)

G_END_DECLS
