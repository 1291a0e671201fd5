/* tandem-xml-tree.c — a small element tree read with GMarkup, for Hydrogen's files
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-kits"

#include "config.h"

#include <math.h>
#include <string.h>

#include "tandem-xml-tree.h"

typedef struct
{
  TandemXmlNode *root;
  TandemXmlNode *current;
  guint          depth;
  guint          n_elements;
} Builder;

static TandemXmlNode *
node_new (const char    *name,
          TandemXmlNode *parent)
{
  TandemXmlNode *node = g_new0 (TandemXmlNode, 1);
  const char *colon = strchr (name, ':');

  node->name = g_strdup (colon != NULL ? colon + 1 : name);
  node->text = g_string_new (NULL);
  node->children = g_ptr_array_new_with_free_func ((GDestroyNotify) tandem_xml_free);
  node->parent = parent;
  return node;
}

void
tandem_xml_free (TandemXmlNode *node)
{
  if (node == NULL)
    return;
  g_free (node->name);
  g_string_free (node->text, TRUE);
  g_ptr_array_unref (node->children);
  g_free (node);
}

static void
on_start (GMarkupParseContext  *context,
          const char           *element,
          const char          **names,
          const char          **values,
          gpointer              user_data,
          GError              **error)
{
  Builder *b = user_data;
  TandemXmlNode *node;

  if (++b->depth > TANDEM_XML_MAX_DEPTH || ++b->n_elements > TANDEM_XML_MAX_ELEMENTS)
    {
      g_set_error (error, G_MARKUP_ERROR, G_MARKUP_ERROR_INVALID_CONTENT,
                   "the document is nested too deeply or has too many elements");
      return;
    }
  if (b->root != NULL && b->current == NULL)
    {
      g_set_error (error, G_MARKUP_ERROR, G_MARKUP_ERROR_INVALID_CONTENT,
                   "the document has more than one top-level element");
      return;
    }
  node = node_new (element, b->current);
  if (b->current != NULL)
    g_ptr_array_add (b->current->children, node);
  else
    b->root = node;
  b->current = node;
}

static void
on_end (GMarkupParseContext  *context,
        const char           *element,
        gpointer              user_data,
        GError              **error)
{
  Builder *b = user_data;

  b->depth--;
  b->current = b->current->parent;
}

static void
on_text (GMarkupParseContext  *context,
         const char           *text,
         gsize                 length,
         gpointer              user_data,
         GError              **error)
{
  Builder *b = user_data;

  if (b->current != NULL)
    g_string_append_len (b->current->text, text, (gssize) length);
}

/**
 * tandem_xml_parse:
 *
 * Returns: (transfer full): the root element, or %NULL with @error set
 */
TandemXmlNode *
tandem_xml_parse (const char  *data,
                  gsize        length,
                  GError     **error)
{
  static const GMarkupParser parser = { on_start, on_end, on_text, NULL, NULL };
  Builder b = { 0 };
  GMarkupParseContext *context;
  gboolean ok;

  context = g_markup_parse_context_new (&parser, G_MARKUP_PREFIX_ERROR_POSITION, &b, NULL);
  ok = g_markup_parse_context_parse (context, data, (gssize) length, error)
       && g_markup_parse_context_end_parse (context, error);
  g_markup_parse_context_free (context);
  if (ok && b.root == NULL)
    {
      g_set_error (error, G_MARKUP_ERROR, G_MARKUP_ERROR_EMPTY, "the document is empty");
      ok = FALSE;
    }
  if (!ok)
    {
      tandem_xml_free (b.root);
      return NULL;
    }
  return b.root;
}

TandemXmlNode *
tandem_xml_child (const TandemXmlNode *node,
                  const char          *name)
{
  if (node == NULL)
    return NULL;
  for (guint i = 0; i < node->children->len; i++)
    {
      TandemXmlNode *child = g_ptr_array_index (node->children, i);

      if (strcmp (child->name, name) == 0)
        return child;
    }
  return NULL;
}

const char *
tandem_xml_child_text (const TandemXmlNode *node,
                       const char          *name,
                       const char          *fallback)
{
  TandemXmlNode *child = tandem_xml_child (node, name);

  if (child == NULL)
    return fallback;
  /* Strip in place once: the tree is ours and only ever read stripped. */
  g_strstrip (child->text->str);
  child->text->len = strlen (child->text->str);
  return child->text->str;
}

double
tandem_xml_child_double (const TandemXmlNode *node,
                         const char          *name,
                         double               fallback)
{
  const char *text = tandem_xml_child_text (node, name, NULL);
  char *end = NULL;
  double v;

  if (text == NULL || *text == '\0')
    return fallback;
  v = g_ascii_strtod (text, &end);
  if (end == text || *end != '\0' || !isfinite (v))
    return fallback;
  return v;
}
