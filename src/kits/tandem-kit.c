/* tandem-kit.c — reading a Hydrogen drumkit.xml (0.9.x and 1.x forms) and checking its files
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-kits"

#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>

#include "tandem-kit.h"
#include "tandem-kit-private.h"
#include "tandem-xml-tree.h"

G_DEFINE_QUARK (tandem-kit-error-quark, tandem_kit_error)

static void
layer_free (gpointer data)
{
  TandemKitLayer *layer = data;

  g_free (layer->file);
  g_free (layer->path);
  g_free (layer);
}

void
_tandem_kit_instrument_free (gpointer data)
{
  TandemKitInstrument *inst = data;

  g_free (inst->name);
  g_ptr_array_unref (inst->layers);
  g_free (inst);
}

void
tandem_kit_free (TandemKit *kit)
{
  if (kit == NULL)
    return;
  g_free (kit->name);
  g_free (kit->author);
  g_free (kit->license);
  g_free (kit->info);
  g_free (kit->source);
  g_free (kit->folder);
  g_ptr_array_unref (kit->instruments);
  g_free (kit);
}

/* Hydrogen 0.9's two pan levels (each 0 … 1, centre 1/1) as one pan -1 … 1,
 * the ratio Hydrogen itself uses when it reads an old kit. */
static double
pan_from_levels (double left,
                 double right)
{
  left = CLAMP (left, 0.0, 1.0);
  right = CLAMP (right, 0.0, 1.0);
  if (left <= 0.0 && right <= 0.0)
    return 0.0;
  if (left >= right)
    return right / left - 1.0;
  return 1.0 - left / right;
}

static gboolean
add_layer (TandemKitInstrument *inst,
           const TandemXmlNode *node,
           gboolean             single,
           const char          *kit_name,
           GError             **error)
{
  const char *file = tandem_xml_child_text (node, "filename", "");
  TandemKitLayer *layer;

  if (*file == '\0')
    {
      g_set_error (error, TANDEM_KIT_ERROR, TANDEM_KIT_ERROR_INVALID,
                   "Kit “%s”: instrument “%s” has a layer without a file name", kit_name,
                   inst->name);
      return FALSE;
    }
  if (inst->layers->len >= TANDEM_KIT_MAX_LAYERS)
    {
      g_set_error (error, TANDEM_KIT_ERROR, TANDEM_KIT_ERROR_TOO_LARGE,
                   "Kit “%s”: instrument “%s” has more than %d layers", kit_name, inst->name,
                   TANDEM_KIT_MAX_LAYERS);
      return FALSE;
    }
  layer = g_new0 (TandemKitLayer, 1);
  layer->file = g_strdup (file);
  /* 0.9.0 … 0.9.3 kits name one file on the instrument itself: it plays at every velocity. */
  layer->min = single ? 0.0 : CLAMP (tandem_xml_child_double (node, "min", 0.0), 0.0, 1.0);
  layer->max = single ? 1.0 : CLAMP (tandem_xml_child_double (node, "max", 1.0), 0.0, 1.0);
  layer->gain = single ? 1.0 : CLAMP (tandem_xml_child_double (node, "gain", 1.0), 0.0, 4.0);
  layer->pitch = single ? 0.0 : CLAMP (tandem_xml_child_double (node, "pitch", 0.0), -24.0, 24.0);
  if (layer->min > layer->max)
    {
      double t = layer->min;

      layer->min = layer->max;
      layer->max = t;
    }
  g_ptr_array_add (inst->layers, layer);
  return TRUE;
}

static gboolean
add_layers_of (TandemKitInstrument *inst,
               const TandemXmlNode *parent,
               const char          *kit_name,
               GError             **error)
{
  for (guint i = 0; i < parent->children->len; i++)
    {
      const TandemXmlNode *child = g_ptr_array_index (parent->children, i);

      if (strcmp (child->name, "layer") == 0 && !add_layer (inst, child, FALSE, kit_name, error))
        return FALSE;
    }
  return TRUE;
}

TandemKitInstrument *
_tandem_kit_parse_instrument (const TandemXmlNode *node,
                  const char          *kit_name,
                  guint                index,
                  GError             **error)
{
  g_autoptr(GPtrArray) layers = g_ptr_array_new_with_free_func (layer_free);
  TandemKitInstrument *inst = g_new0 (TandemKitInstrument, 1);
  const char *name = tandem_xml_child_text (node, "name", "");

  inst->layers = g_steal_pointer (&layers);
  /* Clamped before the cast: a double past int's range is undefined. */
  inst->id = (int) CLAMP (tandem_xml_child_double (node, "id", (double) index), -1e9, 1e9);
  inst->name = g_utf8_make_valid (*name != '\0' ? name : "Instrument", -1);
  inst->volume = CLAMP (tandem_xml_child_double (node, "volume", 1.0), 0.0, 4.0);
  inst->gain = CLAMP (tandem_xml_child_double (node, "gain", 1.0), 0.0, 4.0);
  inst->pitch = CLAMP (tandem_xml_child_double (node, "pitchOffset", 0.0), -24.0, 24.0);
  inst->mute_group = (int) CLAMP (tandem_xml_child_double (node, "muteGroup", -1.0), -1.0, 63.0);
  if (tandem_xml_child (node, "pan") != NULL)
    inst->pan = CLAMP (tandem_xml_child_double (node, "pan", 0.0), -1.0, 1.0);
  else
    inst->pan = pan_from_levels (tandem_xml_child_double (node, "pan_L", 1.0),
                                 tandem_xml_child_double (node, "pan_R", 1.0));

  /* 1.x: layers inside <instrumentComponent>s; 0.9.4 … 0.9.7: <layer>s on the
   * instrument; older: one <filename>. */
  for (guint i = 0; i < node->children->len; i++)
    {
      const TandemXmlNode *child = g_ptr_array_index (node->children, i);

      if (strcmp (child->name, "instrumentComponent") == 0
          && !add_layers_of (inst, child, kit_name, error))
        goto fail;
    }
  if (inst->layers->len == 0 && !add_layers_of (inst, node, kit_name, error))
    goto fail;
  if (inst->layers->len == 0 && tandem_xml_child (node, "filename") != NULL
      && !add_layer (inst, node, TRUE, kit_name, error))
    goto fail;
  return inst;

fail:
  _tandem_kit_instrument_free (inst);
  return NULL;
}

TandemKit *
tandem_kit_parse (const char  *xml,
                  gsize        length,
                  GError     **error)
{
  g_autoptr(TandemXmlNode) root = NULL;
  g_autoptr(GError) local = NULL;
  g_autoptr(TandemKit) kit = NULL;
  TandemXmlNode *list;
  const char *name;

  if (length > TANDEM_KIT_MAX_XML_BYTES)
    {
      g_set_error (error, TANDEM_KIT_ERROR, TANDEM_KIT_ERROR_TOO_LARGE,
                   "drumkit.xml is larger than %d MiB", TANDEM_KIT_MAX_XML_BYTES >> 20);
      return NULL;
    }
  if (!g_utf8_validate (xml, (gssize) length, NULL))
    {
      g_set_error (error, TANDEM_KIT_ERROR, TANDEM_KIT_ERROR_XML,
                   "drumkit.xml is not valid XML: it is not UTF-8 text");
      return NULL;
    }
  root = tandem_xml_parse (xml, length, &local);
  if (root == NULL)
    {
      g_set_error (error, TANDEM_KIT_ERROR, TANDEM_KIT_ERROR_XML,
                   "drumkit.xml is not valid XML: %s", local->message);
      return NULL;
    }
  if (strcmp (root->name, "drumkit_info") != 0)
    {
      g_set_error (error, TANDEM_KIT_ERROR, TANDEM_KIT_ERROR_INVALID,
                   "drumkit.xml is not a Hydrogen drum kit (its root is <%s>, "
                   "not <drumkit_info>)", root->name);
      return NULL;
    }

  kit = g_new0 (TandemKit, 1);
  kit->instruments = g_ptr_array_new_with_free_func (_tandem_kit_instrument_free);
  name = tandem_xml_child_text (root, "name", "");
  if (*name == '\0')
    {
      g_set_error (error, TANDEM_KIT_ERROR, TANDEM_KIT_ERROR_INVALID,
                   "drumkit.xml has no kit <name>");
      return NULL;
    }
  kit->name = g_utf8_make_valid (name, -1);
  kit->author = g_strdup (tandem_xml_child_text (root, "author", ""));
  kit->license = g_strdup (tandem_xml_child_text (root, "license", ""));
  kit->info = g_strdup (tandem_xml_child_text (root, "info", ""));

  list = tandem_xml_child (root, "instrumentList");
  if (list == NULL)
    {
      g_set_error (error, TANDEM_KIT_ERROR, TANDEM_KIT_ERROR_INVALID,
                   "Kit “%s”: drumkit.xml has no <instrumentList>", kit->name);
      return NULL;
    }
  for (guint i = 0; i < list->children->len; i++)
    {
      const TandemXmlNode *child = g_ptr_array_index (list->children, i);
      TandemKitInstrument *inst;

      if (strcmp (child->name, "instrument") != 0)
        continue;
      if (kit->instruments->len >= TANDEM_KIT_MAX_INSTRUMENTS)
        {
          g_set_error (error, TANDEM_KIT_ERROR, TANDEM_KIT_ERROR_TOO_LARGE,
                       "Kit “%s” has more than %d instruments", kit->name,
                       TANDEM_KIT_MAX_INSTRUMENTS);
          return NULL;
        }
      inst = _tandem_kit_parse_instrument (child, kit->name, i, error);
      if (inst == NULL)
        return NULL;
      /* An instrument with no sample plays nothing: leave it out. */
      if (inst->layers->len == 0)
        _tandem_kit_instrument_free (inst);
      else
        g_ptr_array_add (kit->instruments, inst);
    }
  if (kit->instruments->len == 0)
    {
      g_set_error (error, TANDEM_KIT_ERROR, TANDEM_KIT_ERROR_INVALID,
                   "Kit “%s” has no instrument with a sample", kit->name);
      return NULL;
    }
  return g_steal_pointer (&kit);
}

gboolean
_tandem_kit_file_is_safe (const char *file)
{
  g_auto(GStrv) parts = NULL;

  if (file == NULL || *file == '\0' || g_path_is_absolute (file) || strchr (file, '\\') != NULL)
    return FALSE;
  parts = g_strsplit (file, "/", 0);
  for (guint i = 0; parts[i] != NULL; i++)
    if (strcmp (parts[i], "..") == 0)
      return FALSE;
  return TRUE;
}

gboolean
_tandem_kit_check_paths (TandemKit  *kit,
                         GError    **error)
{
  for (guint i = 0; i < kit->instruments->len; i++)
    {
      TandemKitInstrument *inst = g_ptr_array_index (kit->instruments, i);

      for (guint j = 0; j < inst->layers->len; j++)
        {
          TandemKitLayer *layer = g_ptr_array_index (inst->layers, j);

          if (!_tandem_kit_file_is_safe (layer->file))
            {
              g_set_error (error, TANDEM_KIT_ERROR, TANDEM_KIT_ERROR_UNSAFE_PATH,
                           "Kit “%s”: instrument “%s” names “%s”, a file outside the kit’s "
                           "folder", kit->name, inst->name, layer->file);
              return FALSE;
            }
        }
    }
  return TRUE;
}

/* Whether @path, with symbolic links resolved, lies inside @folder_real. */
static gboolean
real_path_inside (const char *path,
                  const char *folder_real)
{
  g_autofree char *real = realpath (path, NULL);

  return real != NULL && g_str_has_prefix (real, folder_real)
         && real[strlen (folder_real)] == G_DIR_SEPARATOR;
}

gboolean
_tandem_kit_resolve_files (TandemKit  *kit,
                           const char *folder,
                           GError    **error)
{
  g_autofree char *folder_real = realpath (folder, NULL);

  if (!_tandem_kit_check_paths (kit, error))
    return FALSE;
  if (folder_real == NULL)
    {
      g_set_error (error, TANDEM_KIT_ERROR, TANDEM_KIT_ERROR_NOT_FOUND,
                   "Kit “%s”: its folder “%s” cannot be read: %s", kit->name, folder,
                   g_strerror (errno));
      return FALSE;
    }
  for (guint i = 0; i < kit->instruments->len; i++)
    {
      TandemKitInstrument *inst = g_ptr_array_index (kit->instruments, i);

      for (guint j = 0; j < inst->layers->len; j++)
        {
          TandemKitLayer *layer = g_ptr_array_index (inst->layers, j);
          g_autofree char *path = g_build_filename (folder, layer->file, NULL);
          GStatBuf st;

          if (g_stat (path, &st) != 0 || !S_ISREG (st.st_mode))
            {
              g_set_error (error, TANDEM_KIT_ERROR, TANDEM_KIT_ERROR_MISSING_FILE,
                           "Kit “%s”: instrument “%s” needs “%s”, which is missing", kit->name,
                           inst->name, layer->file);
              return FALSE;
            }
          if (!real_path_inside (path, folder_real))
            {
              g_set_error (error, TANDEM_KIT_ERROR, TANDEM_KIT_ERROR_UNSAFE_PATH,
                           "Kit “%s”: instrument “%s” names “%s”, a link to a file outside "
                           "the kit’s folder", kit->name, inst->name, layer->file);
              return FALSE;
            }
          if ((guint64) st.st_size > TANDEM_KIT_MAX_SAMPLE_BYTES)
            {
              g_set_error (error, TANDEM_KIT_ERROR, TANDEM_KIT_ERROR_TOO_LARGE,
                           "Kit “%s”: “%s” is larger than %" G_GUINT64_FORMAT " MiB", kit->name,
                           layer->file, TANDEM_KIT_MAX_SAMPLE_BYTES >> 20);
              return FALSE;
            }
          g_free (layer->path);
          layer->path = g_steal_pointer (&path);
        }
    }
  g_free (kit->folder);
  kit->folder = g_strdup (folder);
  return TRUE;
}

TandemKit *
tandem_kit_load_folder (const char  *folder,
                        GError     **error)
{
  g_autofree char *xml_path = g_build_filename (folder, "drumkit.xml", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GError) local = NULL;
  g_autoptr(TandemKit) kit = NULL;
  GStatBuf st;
  gsize length;

  if (g_stat (xml_path, &st) != 0)
    {
      g_set_error (error, TANDEM_KIT_ERROR, TANDEM_KIT_ERROR_NOT_FOUND,
                   "“%s” has no drumkit.xml", folder);
      return NULL;
    }
  if ((guint64) st.st_size > TANDEM_KIT_MAX_XML_BYTES)
    {
      g_set_error (error, TANDEM_KIT_ERROR, TANDEM_KIT_ERROR_TOO_LARGE,
                   "“%s”: drumkit.xml is larger than %d MiB", folder,
                   TANDEM_KIT_MAX_XML_BYTES >> 20);
      return NULL;
    }
  if (!g_file_get_contents (xml_path, &contents, &length, &local))
    {
      g_set_error (error, TANDEM_KIT_ERROR, TANDEM_KIT_ERROR_NOT_FOUND,
                   "%s", local->message);
      return NULL;
    }
  kit = tandem_kit_parse (contents, length, error);
  if (kit == NULL)
    {
      g_prefix_error (error, "%s: ", folder);
      return NULL;
    }
  kit->source = g_strdup (folder);
  if (!_tandem_kit_resolve_files (kit, folder, error))
    return NULL;
  return g_steal_pointer (&kit);
}

TandemKit *
tandem_kit_load (const char  *path,
                 const char  *extract_to,
                 GError     **error)
{
  g_return_val_if_fail (path != NULL, NULL);

  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    return tandem_kit_load_folder (path, error);
  return tandem_kit_load_archive (path, extract_to, error);
}

/**
 * tandem_kit_get_plain_info:
 *
 * Returns: (transfer full): the notes as plain text, "" when there are none
 */
char *
tandem_kit_get_plain_info (const TandemKit *kit)
{
  static GRegex *head, *tag, *space;
  static gsize initialized = 0;
  g_autofree char *no_head = NULL;
  g_autofree char *no_tags = NULL;
  g_autofree char *unescaped = NULL;
  g_autofree char *folded = NULL;

  g_return_val_if_fail (kit != NULL, NULL);

  if (g_once_init_enter (&initialized))
    {
      head = g_regex_new ("<head.*?</head>|<!DOCTYPE[^>]*>|<style.*?</style>",
                          G_REGEX_CASELESS | G_REGEX_DOTALL, 0, NULL);
      tag = g_regex_new ("<[^>]*>", 0, 0, NULL);
      space = g_regex_new ("\\s+", 0, 0, NULL);
      g_once_init_leave (&initialized, 1);
    }
  no_head = g_regex_replace_literal (head, kit->info, -1, 0, "", 0, NULL);
  no_tags = g_regex_replace_literal (tag, no_head, -1, 0, " ", 0, NULL);
  /* The XML reader decoded the file's own entities; the HTML inside may
   * carry a few more. */
  {
    GString *out = g_string_new (NULL);
    static const struct { const char *entity, *text; } map[] = {
      { "&lt;", "<" }, { "&gt;", ">" }, { "&quot;", "\"" }, { "&apos;", "'" }, { "&nbsp;", " " },
      { "&amp;", "&" },
    };

    for (const char *p = no_tags; *p != '\0';)
      {
        gboolean done = FALSE;

        for (guint i = 0; i < G_N_ELEMENTS (map) && *p == '&'; i++)
          if (g_str_has_prefix (p, map[i].entity))
            {
              g_string_append (out, map[i].text);
              p += strlen (map[i].entity);
              done = TRUE;
              break;
            }
        if (!done)
          g_string_append_c (out, *p++);
      }
    unescaped = g_string_free (out, FALSE);
  }
  folded = g_regex_replace_literal (space, unescaped, -1, 0, " ", 0, NULL);
  return g_strdup (g_strstrip (folded));
}
