/* tandem-h2song.c — a Hydrogen song (.h2song) as a new Tandem project
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-kits"

#include "config.h"

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "tandem-h2song.h"
#include "tandem-kit-import.h"
#include "tandem-kit-private.h"
#include "tandem-xml-tree.h"

#define MAX_SONG_BYTES (32 * 1024 * 1024)

static gboolean
fail (GError    **error,
      const char *path,
      const char *why)
{
  g_set_error (error, TANDEM_KIT_ERROR, TANDEM_KIT_ERROR_INVALID, "%s: %s", path, why);
  return FALSE;
}

/* Where a layer's file is: absolute paths as they are (older songs), or
 * beside the kit the instrument names; failing that, the same file name in
 * that kit. */
static char *
find_layer_file (const char *file,
                 const char *kit_folder)
{
  g_autofree char *base = NULL;
  char *path;

  if (g_path_is_absolute (file) && g_file_test (file, G_FILE_TEST_IS_REGULAR))
    return g_strdup (file);
  if (kit_folder == NULL)
    return NULL;
  if (!g_path_is_absolute (file) && _tandem_kit_file_is_safe (file))
    {
      path = g_build_filename (kit_folder, file, NULL);
      if (g_file_test (path, G_FILE_TEST_IS_REGULAR))
        return path;
      g_free (path);
    }
  base = g_path_get_basename (file);
  path = g_build_filename (kit_folder, base, NULL);
  if (g_file_test (path, G_FILE_TEST_IS_REGULAR))
    return path;
  g_free (path);
  return NULL;
}

static TandemKit *
kit_named (GPtrArray  *kits,
           const char *name)
{
  for (guint i = 0; name != NULL && i < kits->len; i++)
    {
      TandemKit *kit = g_ptr_array_index (kits, i);

      if (kit->folder != NULL && strcmp (kit->name, name) == 0)
        return kit;
    }
  return NULL;
}

static void
copy_kit_layers (TandemKitInstrument *inst,
                 const TandemKit     *source)
{
  for (guint i = 0; i < source->instruments->len; i++)
    {
      const TandemKitInstrument *from = g_ptr_array_index (source->instruments, i);

      if (g_strcmp0 (from->name, inst->name) != 0)
        continue;
      for (guint j = 0; j < from->layers->len; j++)
        {
          const TandemKitLayer *l = g_ptr_array_index (from->layers, j);
          TandemKitLayer *copy = g_new0 (TandemKitLayer, 1);

          *copy = *l;
          copy->file = g_strdup (l->file);
          copy->path = g_strdup (l->path);
          g_ptr_array_add (inst->layers, copy);
        }
      return;
    }
}

/* The song's instruments as a kit whose layers point at files found on disk. */
static TandemKit *
song_kit (const TandemXmlNode *song,
          const char          *path,
          const char * const  *kit_folders,
          GArray              *ids,
          GError             **error)
{
  g_autoptr(TandemKit) kit = g_new0 (TandemKit, 1);
  g_autoptr(GPtrArray) kits = NULL;
  g_autoptr(GHashTable) used = g_hash_table_new (NULL, NULL);
  g_autoptr(GString) info = g_string_new (NULL);
  TandemXmlNode *list = tandem_xml_child (song, "instrumentList");
  const char *song_kit_name = tandem_xml_child_text (song, "drumkit", NULL);

  kit->instruments = g_ptr_array_new_with_free_func (_tandem_kit_instrument_free);
  kit->name = g_strdup (tandem_xml_child_text (song, "name", "Hydrogen song"));
  kit->author = g_strdup (tandem_xml_child_text (song, "author", ""));
  kit->license = g_strdup (tandem_xml_child_text (song, "license", ""));
  kit->source = g_strdup (path);
  kit->folder = g_path_get_dirname (path);
  if (list == NULL)
    {
      fail (error, path, "the song has no <instrumentList>");
      return NULL;
    }
  kits = tandem_kit_find_all (kit_folders, NULL);

  for (guint i = 0; i < list->children->len; i++)
    {
      const TandemXmlNode *node = g_ptr_array_index (list->children, i);
      TandemKitInstrument *inst;
      const char *kit_name;
      const char *kit_path;
      const char *folder;
      TandemKit *source;

      if (strcmp (node->name, "instrument") != 0)
        continue;
      if (kit->instruments->len >= TANDEM_KIT_MAX_INSTRUMENTS)
        {
          g_set_error (error, TANDEM_KIT_ERROR, TANDEM_KIT_ERROR_TOO_LARGE,
                       "%s: the song has more than %d instruments", path, TANDEM_KIT_MAX_INSTRUMENTS);
          return NULL;
        }
      inst = _tandem_kit_parse_instrument (node, kit->name, i, error);
      if (inst == NULL)
        return NULL;
      kit_name = tandem_xml_child_text (node, "drumkit", song_kit_name);
      kit_path = tandem_xml_child_text (node, "drumkitPath", NULL);
      source = kit_named (kits, kit_name);
      folder = kit_path != NULL && *kit_path != '\0' && g_file_test (kit_path, G_FILE_TEST_IS_DIR)
               ? kit_path : source != NULL ? source->folder : NULL;
      /* The samples' licence is their kit's, not the song's: name each kit used. */
      if (source != NULL && !g_hash_table_contains (used, source))
        {
          g_hash_table_add (used, source);
          g_string_append_printf (info, "Samples from the Hydrogen drum kit “%s” by %s, licence: %s\n",
                                  source->name, source->author,
                                  *source->license != '\0' ? source->license : "(none given)");
        }
      for (guint j = inst->layers->len; j > 0; j--)
        {
          TandemKitLayer *layer = g_ptr_array_index (inst->layers, j - 1);

          layer->path = find_layer_file (layer->file, folder);
          if (layer->path == NULL)
            {
              g_debug ("%s: instrument “%s”: “%s” not found", path, inst->name, layer->file);
              g_ptr_array_remove_index (inst->layers, j - 1);
            }
        }
      /* An instrument the song keeps no sample for plays its kit's. */
      if (inst->layers->len == 0 && source != NULL)
        copy_kit_layers (inst, source);
      g_array_append_val (ids, inst->id);
      g_ptr_array_add (kit->instruments, inst);
    }
  kit->info = g_string_free (g_steal_pointer (&info), FALSE);
  return g_steal_pointer (&kit);
}

static guint
note_ticks_per_step (const TandemXmlNode *patterns)
{
  gboolean needs_32nds = FALSE;

  for (guint p = 0; patterns != NULL && p < patterns->children->len; p++)
    {
      TandemXmlNode *notes = tandem_xml_child (g_ptr_array_index (patterns->children, p), "noteList");

      for (guint n = 0; notes != NULL && n < notes->children->len; n++)
        {
          double pos = tandem_xml_child_double (g_ptr_array_index (notes->children, n), "position", 0);

          if (fmod (pos, 12.0) != 0.0)
            needs_32nds = TRUE;
        }
    }
  return needs_32nds ? 6 : 12;
}

static void
add_set_int (TandemOp         *batch,
             TandemEntityKind  kind,
             const char       *prop,
             gint64            value)
{
  tandem_op_batch_add (batch, tandem_op_new_set_int (kind, NULL, prop, value));
}

TandemProject *
tandem_h2song_load (const char         *path,
                    const char * const *kit_folders,
                    TandemSampleStore  *store,
                    GError            **error)
{
  g_autoptr(TandemProject) project = tandem_project_new ();
  g_autoptr(TandemXmlNode) song = NULL;
  g_autoptr(TandemKit) kit = NULL;
  g_autoptr(TandemKitImport) import = NULL;
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (int));
  g_autoptr(GHashTable) pattern_ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GHashTable) pattern_bars = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(TandemOp) tracks_op = NULL;
  g_autoptr(TandemOp) batch = tandem_op_new_batch ();
  g_autofree char *contents = NULL;
  g_autoptr(GError) local = NULL;
  TandemXmlNode *patterns, *sequence;
  GListModel *tracks;
  guint ticks_per_step, steps_per_beat, beats_per_bar = 4, bar = 0;
  char *first_pattern = NULL;
  GStatBuf st;
  gsize length;
  const char *name;

  g_return_val_if_fail (path != NULL && TANDEM_IS_SAMPLE_STORE (store), NULL);

  if (g_stat (path, &st) == 0 && st.st_size > MAX_SONG_BYTES)
    {
      g_set_error (error, TANDEM_KIT_ERROR, TANDEM_KIT_ERROR_TOO_LARGE,
                   "%s: the song is larger than %d MiB", path, MAX_SONG_BYTES >> 20);
      return NULL;
    }
  if (!g_file_get_contents (path, &contents, &length, error))
    return NULL;
  if (!g_utf8_validate (contents, (gssize) length, NULL))
    {
      fail (error, path, "the song is not UTF-8 text");
      return NULL;
    }
  song = tandem_xml_parse (contents, length, &local);
  if (song == NULL)
    {
      g_set_error (error, TANDEM_KIT_ERROR, TANDEM_KIT_ERROR_XML,
                   "%s is not valid XML: %s", path, local->message);
      return NULL;
    }
  if (strcmp (song->name, "song") != 0)
    {
      fail (error, path, "this is not a Hydrogen song (no <song>)");
      return NULL;
    }

  kit = song_kit (song, path, kit_folders, ids, error);
  if (kit == NULL)
    return NULL;
  import = tandem_kit_import (kit, store, TANDEM_SAMPLE_DEFAULT_MAX_BYTES, NULL, error);
  if (import == NULL)
    return NULL;

  patterns = tandem_xml_child (song, "patternList");
  ticks_per_step = note_ticks_per_step (patterns);
  steps_per_beat = TANDEM_H2SONG_TICKS_PER_BEAT / ticks_per_step;

  name = tandem_xml_child_text (song, "name", "");
  if (tandem_name_is_valid (name))
    tandem_op_batch_add (batch, tandem_op_new_set_string (TANDEM_ENTITY_PROJECT, NULL, "name", name));
  tandem_op_batch_add (batch, tandem_op_new_set_double (
                         TANDEM_ENTITY_PROJECT, NULL, "tempo",
                         CLAMP (tandem_xml_child_double (song, "bpm", 120.0), TANDEM_TEMPO_MIN,
                                TANDEM_TEMPO_MAX)));
  add_set_int (batch, TANDEM_ENTITY_PROJECT, "steps-per-beat", steps_per_beat);

  /* Tracks first, so that cells can name them. */
  tracks_op = tandem_kit_import_build_tracks_op (import, project, NULL, -1);
  if (!tandem_project_apply (project, tracks_op, NULL, error))
    return NULL;
  tracks = tandem_project_get_tracks (project);

  for (guint p = 0; patterns != NULL && p < patterns->children->len; p++)
    {
      const TandemXmlNode *pattern = g_ptr_array_index (patterns->children, p);
      TandemXmlNode *notes = tandem_xml_child (pattern, "noteList");
      const char *pname = tandem_xml_child_text (pattern, "name", "");
      double size = tandem_xml_child_double (pattern, "size", 192.0);
      guint steps = (guint) CLAMP (ceil (size / ticks_per_step), 1, TANDEM_MAX_STEPS);
      g_autofree char *id = tandem_id_new ();
      g_autofree char *label = NULL;
      JsonObject *obj;
      JsonNode *node;

      if (strcmp (pattern->name, "pattern") != 0)
        continue;
      label = tandem_name_is_valid (pname) ? g_strdup (pname) : g_strdup_printf ("Pattern %u", p + 1);
      if (p == 0 && fmod (size, TANDEM_H2SONG_TICKS_PER_BEAT) == 0.0)
        beats_per_bar = (guint) CLAMP (size / TANDEM_H2SONG_TICKS_PER_BEAT, 1, TANDEM_MAX_BEATS_PER_BAR);
      obj = json_object_new ();
      json_object_set_string_member (obj, "id", id);
      json_object_set_string_member (obj, "name", label);
      json_object_set_int_member (obj, "length", steps);
      node = json_node_alloc ();
      json_node_take_object (json_node_init (node, JSON_NODE_OBJECT), obj);
      tandem_op_batch_add (batch, tandem_op_new_insert (TANDEM_ENTITY_PATTERN, -1, node));
      g_hash_table_replace (pattern_ids, g_strdup (pname), g_strdup (id));
      g_hash_table_replace (pattern_bars, g_strdup (pname),
                            GUINT_TO_POINTER ((guint) CLAMP (ceil (size / (TANDEM_H2SONG_TICKS_PER_BEAT * 4)),
                                                             1, TANDEM_MAX_STEPS)));
      if (first_pattern == NULL)
        first_pattern = g_hash_table_lookup (pattern_ids, pname);

      for (guint n = 0; notes != NULL && n < notes->children->len; n++)
        {
          const TandemXmlNode *note = g_ptr_array_index (notes->children, n);
          double pos = tandem_xml_child_double (note, "position", -1);
          /* Clamped before the cast: a double past int's range is undefined. */
          int inst = (int) CLAMP (tandem_xml_child_double (note, "instrument", -1), -1.0, 1e6);
          double velocity = tandem_xml_child_double (note, "velocity", 0.8);
          double probability = tandem_xml_child_double (note, "probability", 1.0);
          guint step;
          int t = -1;

          if (g_strcmp0 (tandem_xml_child_text (note, "note_off", "false"), "true") == 0 || pos < 0
              || floor (pos / ticks_per_step + 0.5) >= steps)
            continue;
          step = (guint) floor (pos / ticks_per_step + 0.5);
          if (step >= steps)
            continue;
          for (guint k = 0; k < ids->len; k++)
            if (g_array_index (ids, int, k) == inst)
              t = (int) k;
          if (t < 0)
            continue;
          {
            g_autoptr(TandemTrack) track = g_list_model_get_item (tracks, (guint) t);

            tandem_op_batch_add (batch, tandem_op_new_set_cell (
                                   id, tandem_track_get_id (track), step, "velocity",
                                   (int) CLAMP (round (velocity * 127.0), 1, 127)));
            if (probability < 1.0)
              tandem_op_batch_add (batch, tandem_op_new_set_cell (
                                     id, tandem_track_get_id (track), step, "probability",
                                     (int) CLAMP (round (probability * 100.0), 0, 100)));
          }
        }
    }
  if (first_pattern == NULL)
    {
      fail (error, path, "the song has no pattern");
      return NULL;
    }
  add_set_int (batch, TANDEM_ENTITY_PROJECT, "beats-per-bar", beats_per_bar);
  tandem_op_batch_add (batch, tandem_op_new_set_string (TANDEM_ENTITY_PROJECT, NULL,
                                                        "current-pattern", first_pattern));

  /* Each group of the sequence is a bar (or as many as its longest pattern). */
  sequence = tandem_xml_child (song, "patternSequence");
  for (guint g = 0; sequence != NULL && g < sequence->children->len && bar < TANDEM_MAX_BARS; g++)
    {
      const TandemXmlNode *group = g_ptr_array_index (sequence->children, g);
      guint bars = 1;

      for (guint k = 0; k < group->children->len; k++)
        {
          TandemXmlNode *ref = g_ptr_array_index (group->children, k);
          const char *pattern_id;
          g_autofree char *id = NULL;
          JsonObject *obj;
          JsonNode *node;

          if (strcmp (ref->name, "patternID") != 0)
            continue;
          g_strstrip (ref->text->str);
          pattern_id = g_hash_table_lookup (pattern_ids, ref->text->str);
          if (pattern_id == NULL)
            continue;
          bars = MAX (bars, GPOINTER_TO_UINT (g_hash_table_lookup (pattern_bars, ref->text->str)));
          id = tandem_id_new ();
          obj = json_object_new ();
          json_object_set_string_member (obj, "id", id);
          json_object_set_string_member (obj, "pattern", pattern_id);
          json_object_set_int_member (obj, "start", bar);
          json_object_set_int_member (obj, "length", 1);
          node = json_node_alloc ();
          json_node_take_object (json_node_init (node, JSON_NODE_OBJECT), obj);
          tandem_op_batch_add (batch, tandem_op_new_insert (TANDEM_ENTITY_CLIP, -1, node));
        }
      bar += bars;
    }
  if (bar > 0)
    {
      tandem_op_batch_add (batch, tandem_op_new_set_string (TANDEM_ENTITY_PROJECT, NULL,
                                                            "play-mode", "song"));
      /* Hydrogen's loop plays the whole song again. */
      if (g_strcmp0 (tandem_xml_child_text (song, "loopEnabled", "false"), "true") == 0)
        {
          add_set_int (batch, TANDEM_ENTITY_PROJECT, "loop-start", 0);
          add_set_int (batch, TANDEM_ENTITY_PROJECT, "loop-length", MIN (bar, TANDEM_MAX_BARS));
          tandem_op_batch_add (batch, tandem_op_new_set_boolean (TANDEM_ENTITY_PROJECT, NULL,
                                                                 "loop-enabled", TRUE));
        }
    }
  if (!tandem_project_apply (project, batch, NULL, error))
    {
      g_prefix_error (error, "%s: ", path);
      return NULL;
    }
  return g_steal_pointer (&project);
}

typedef struct
{
  char              *path;
  TandemSampleStore *store;
} LoadData;

static void
load_data_free (gpointer data)
{
  LoadData *d = data;

  g_free (d->path);
  g_object_unref (d->store);
  g_free (d);
}

static void
load_thread (GTask        *task,
             gpointer      source,
             gpointer      task_data,
             GCancellable *cancellable)
{
  LoadData *d = task_data;
  GError *error = NULL;
  TandemProject *project = tandem_h2song_load (d->path, NULL, d->store, &error);

  if (project == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, project, g_object_unref);
}

void
tandem_h2song_load_async (const char          *path,
                          TandemSampleStore   *store,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  LoadData *d = g_new0 (LoadData, 1);

  d->path = g_strdup (path);
  d->store = g_object_ref (store);
  g_task_set_source_tag (task, tandem_h2song_load_async);
  g_task_set_task_data (task, d, load_data_free);
  g_task_run_in_thread (task, load_thread);
}

/**
 * tandem_h2song_load_finish:
 *
 * Returns: (transfer full): the new project, or %NULL with @error set
 */
TandemProject *
tandem_h2song_load_finish (GAsyncResult  *result,
                           GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}
