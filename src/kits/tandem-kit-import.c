/* tandem-kit-import.c — a Hydrogen kit's instruments as Tandem sampler tracks
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-kits"

#include "config.h"

#include <math.h>
#include <string.h>

#include "tandem-kit-import.h"

struct _TandemKitImport
{
  TandemKit  *kit;      /* owned */
  GHashTable *samples;  /* layer path → TandemSampleImport */
};

static const char * const track_colors[] = {
  "#e66100", "#c01c28", "#2ec27e", "#3584e4", "#9141ac", "#f5c211", "#865e3c", "#1c71d8",
};

static TandemKit *
kit_copy (const TandemKit *kit)
{
  TandemKit *copy = g_new0 (TandemKit, 1);

  copy->name = g_strdup (kit->name);
  copy->author = g_strdup (kit->author);
  copy->license = g_strdup (kit->license);
  copy->info = g_strdup (kit->info);
  copy->source = g_strdup (kit->source);
  copy->folder = g_strdup (kit->folder);
  copy->instruments = g_ptr_array_ref (kit->instruments);
  return copy;
}

void
tandem_kit_import_free (TandemKitImport *import)
{
  if (import == NULL)
    return;
  tandem_kit_free (import->kit);
  g_hash_table_unref (import->samples);
  g_free (import);
}

const TandemKit *
tandem_kit_import_get_kit (TandemKitImport *import)
{
  return import->kit;
}

/**
 * tandem_kit_licence_text:
 *
 * Returns: (transfer full): what the kit says about who made it and how it may be used
 */
char *
tandem_kit_licence_text (const TandemKit *kit)
{
  gboolean song = kit->source != NULL && g_str_has_suffix (kit->source, ".h2song");

  /* A song's own licence is for the song; its info names the kits the samples came from. */
  return g_strdup_printf ("Hydrogen %s: %s\nAuthor: %s\nLicence: %s\nFrom: %s\n\n%s\n",
                          song ? "song" : "drum kit", kit->name, kit->author,
                          *kit->license != '\0' ? kit->license : "(none given)",
                          kit->source != NULL ? kit->source : "", kit->info);
}

/* Rewriting an existing file makes GLib fsync it: skip when it says the same. */
static gboolean
write_licence (const char  *path,
               const char  *text,
               GError     **error)
{
  g_autofree char *old = NULL;

  if (g_file_get_contents (path, &old, NULL, NULL) && g_strcmp0 (old, text) == 0)
    return TRUE;
  return g_file_set_contents (path, text, -1, error);
}

/**
 * tandem_kit_import:
 *
 * Returns: (transfer full): the imported samples, or %NULL with @error set
 */
TandemKitImport *
tandem_kit_import (const TandemKit   *kit,
                   TandemSampleStore *store,
                   guint64            max_bytes,
                   GCancellable      *cancellable,
                   GError           **error)
{
  g_autoptr(TandemKitImport) import = g_new0 (TandemKitImport, 1);
  g_autofree char *licence = NULL;

  g_return_val_if_fail (kit != NULL && TANDEM_IS_SAMPLE_STORE (store), NULL);

  import->samples = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                           (GDestroyNotify) tandem_sample_import_free);
  if (kit->folder == NULL)
    {
      /* An archive that was only listed: unpack the files its layers use. */
      g_autofree char *key = g_compute_checksum_for_string (G_CHECKSUM_SHA256, kit->source, -1);
      g_autofree char *dir = g_build_filename (g_get_user_cache_dir (), "tandem", "kits", key, NULL);

      import->kit = tandem_kit_load_archive (kit->source, dir, error);
      if (import->kit == NULL)
        return NULL;
      kit = import->kit;
    }
  else
    import->kit = kit_copy (kit);
  licence = tandem_kit_licence_text (kit);

  for (guint i = 0; i < kit->instruments->len; i++)
    {
      TandemKitInstrument *inst = g_ptr_array_index (kit->instruments, i);

      for (guint j = 0; j < inst->layers->len; j++)
        {
          TandemKitLayer *layer = g_ptr_array_index (inst->layers, j);
          TandemSampleImport *sample;
          g_autofree char *licence_path = NULL;

          if (layer->path == NULL || g_hash_table_contains (import->samples, layer->path))
            continue;
          sample = tandem_sample_import_file (store, layer->path, max_bytes, cancellable, error);
          if (sample == NULL)
            {
              g_prefix_error (error, "Kit “%s”, instrument “%s”, “%s”: ", kit->name, inst->name,
                              layer->file);
              return NULL;
            }
          /* The licence travels with the bytes: the project file's samples
           * folder copies it too (tandem-project-file.c). */
          licence_path = g_strconcat (tandem_sample_store_get_dir (store), G_DIR_SEPARATOR_S,
                                      sample->hash, ".licence", NULL);
          if (!write_licence (licence_path, licence, error))
            {
              tandem_sample_import_free (sample);
              return NULL;
            }
          g_hash_table_insert (import->samples, g_strdup (layer->path), sample);
        }
    }
  return g_steal_pointer (&import);
}

static guint8
velocity_from_level (double level,
                     gboolean upper)
{
  /* Hydrogen's ranges share their ends (0.2–0.4, 0.4–0.6): the lower layer
   * keeps the velocities below the boundary, the upper one the rest. */
  double v = level * 127.0;

  if (upper)
    return (guint8) CLAMP (floor (v + 1e-9), 0.0, 127.0);
  return (guint8) CLAMP (ceil (v - 1e-9), 0.0, 127.0);
}

char *
tandem_kit_import_layers (TandemKitImport *import,
                          guint            index)
{
  TandemKitInstrument *inst;
  TandemLayer layers[TANDEM_MAX_LAYERS];
  guint n = 0;

  g_return_val_if_fail (index < import->kit->instruments->len, g_strdup (""));
  inst = g_ptr_array_index (import->kit->instruments, index);

  for (guint j = 0; j < inst->layers->len && n < TANDEM_MAX_LAYERS; j++)
    {
      TandemKitLayer *kl = g_ptr_array_index (inst->layers, j);
      TandemSampleImport *sample = kl->path != NULL ? g_hash_table_lookup (import->samples, kl->path)
                                                    : NULL;
      TandemLayer *l = &layers[n];

      if (sample == NULL)
        continue;
      memcpy (l->sample, sample->hash, 65);
      l->min = velocity_from_level (kl->min, FALSE);
      l->max = velocity_from_level (kl->max, TRUE);
      if (l->min > l->max)
        l->min = l->max;
      l->gain = CLAMP (kl->gain, 0.0, 4.0);
      l->pitch = CLAMP (kl->pitch + inst->pitch, -24.0, 24.0);
      n++;
    }
  return tandem_layers_to_string (layers, n);
}

static void
add_sample_inserts (TandemKitImport *import,
                    TandemProject   *project,
                    TandemOp        *batch,
                    GArray          *instruments)
{
  g_autoptr(GHashTable) added = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < import->kit->instruments->len; i++)
    {
      TandemKitInstrument *inst = g_ptr_array_index (import->kit->instruments, i);
      gboolean wanted = instruments == NULL;

      for (guint k = 0; instruments != NULL && k < instruments->len; k++)
        wanted |= g_array_index (instruments, guint, k) == i;
      if (!wanted)
        continue;
      for (guint j = 0; j < inst->layers->len; j++)
        {
          TandemKitLayer *kl = g_ptr_array_index (inst->layers, j);
          TandemSampleImport *sample = kl->path != NULL ? g_hash_table_lookup (import->samples, kl->path)
                                                        : NULL;
          g_autoptr(TandemOp) insert = NULL;

          if (sample == NULL || g_hash_table_contains (added, sample->hash))
            continue;
          g_hash_table_add (added, sample->hash);
          /* The sample import's own op: a registry insert unless the project has it. */
          insert = tandem_sample_import_build_op (project, sample, NULL);
          for (guint k = 0; k < tandem_op_batch_get_n_ops (insert); k++)
            tandem_op_batch_add (batch, tandem_op_ref (tandem_op_batch_get_op (insert, k)));
        }
    }
}

static double
volume_db (const TandemKitInstrument *inst)
{
  double gain = inst->volume * inst->gain;

  if (gain <= 0.0)
    return TANDEM_VOLUME_MIN_DB;
  return CLAMP (round (20.0 * log10 (gain) * 10.0) / 10.0, TANDEM_VOLUME_MIN_DB, TANDEM_VOLUME_MAX_DB);
}

static char *
track_name (const TandemKitInstrument *inst)
{
  g_autofree char *name = g_strdup (inst->name);
  GString *clean = g_string_new (NULL);

  for (const char *p = name; *p != '\0'; p = g_utf8_next_char (p))
    if (!g_unichar_iscntrl (g_utf8_get_char (p)) && clean->len < TANDEM_MAX_NAME_LEN - 4)
      g_string_append_unichar (clean, g_utf8_get_char (p));
  if (clean->len == 0)
    g_string_append (clean, "Drum");
  return g_string_free (clean, FALSE);
}

TandemOp *
tandem_kit_import_build_tracks_op (TandemKitImport *import,
                                   TandemProject   *project,
                                   GArray          *instruments,
                                   int              position)
{
  TandemOp *batch = tandem_op_new_batch ();
  guint n = instruments != NULL ? instruments->len : import->kit->instruments->len;

  add_sample_inserts (import, project, batch, instruments);
  for (guint k = 0; k < n; k++)
    {
      guint i = instruments != NULL ? g_array_index (instruments, guint, k) : k;
      TandemKitInstrument *inst;
      g_autofree char *id = tandem_id_new ();
      g_autofree char *layers = NULL;
      g_autofree char *name = NULL;
      JsonObject *obj;
      JsonNode *node;

      if (i >= import->kit->instruments->len)
        continue;
      inst = g_ptr_array_index (import->kit->instruments, i);
      layers = tandem_kit_import_layers (import, i);
      name = track_name (inst);
      obj = json_object_new ();
      json_object_set_string_member (obj, "id", id);
      json_object_set_string_member (obj, "name", name);
      json_object_set_string_member (obj, "color", track_colors[i % G_N_ELEMENTS (track_colors)]);
      json_object_set_string_member (obj, "instrument", TANDEM_INSTRUMENT_SAMPLER);
      json_object_set_double_member (obj, "volume", volume_db (inst) + 0.0);
      json_object_set_double_member (obj, "pan", round (inst->pan * 1000.0) / 1000.0 + 0.0);
      json_object_set_string_member (obj, "layers", layers);
      json_object_set_int_member (obj, "choke-group", inst->mute_group + 1);
      node = json_node_alloc ();
      json_node_take_object (json_node_init (node, JSON_NODE_OBJECT), obj);
      tandem_op_batch_add (batch, tandem_op_new_insert (TANDEM_ENTITY_TRACK,
                                                        position < 0 ? -1 : position + (int) k, node));
    }
  return batch;
}

TandemOp *
tandem_kit_import_build_swap_op (TandemKitImport *import,
                                 TandemProject   *project,
                                 guint            index,
                                 const char      *track_id)
{
  TandemOp *batch = tandem_op_new_batch ();
  g_autoptr(GArray) one = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autofree char *layers = NULL;
  TandemKitInstrument *inst;

  g_return_val_if_fail (index < import->kit->instruments->len, batch);
  inst = g_ptr_array_index (import->kit->instruments, index);
  g_array_append_val (one, index);
  add_sample_inserts (import, project, batch, one);
  layers = tandem_kit_import_layers (import, index);
  /* Layers before the instrument: a "sampler" never plays without them. */
  tandem_op_batch_add (batch, tandem_op_new_set_string (TANDEM_ENTITY_TRACK, track_id, "layers", layers));
  tandem_op_batch_add (batch, tandem_op_new_set_int (TANDEM_ENTITY_TRACK, track_id, "choke-group",
                                                     inst->mute_group + 1));
  tandem_op_batch_add (batch, tandem_op_new_set_string (TANDEM_ENTITY_TRACK, track_id, "instrument",
                                                        TANDEM_INSTRUMENT_SAMPLER));
  return batch;
}

typedef struct
{
  TandemKit         *kit;
  TandemSampleStore *store;
  guint64            max_bytes;
} ImportData;

static void
import_data_free (gpointer data)
{
  ImportData *d = data;

  tandem_kit_free (d->kit);
  g_object_unref (d->store);
  g_free (d);
}

static void
import_thread (GTask        *task,
               gpointer      source,
               gpointer      task_data,
               GCancellable *cancellable)
{
  ImportData *d = task_data;
  GError *error = NULL;
  TandemKitImport *import = tandem_kit_import (d->kit, d->store, d->max_bytes, cancellable, &error);

  if (import == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, import, (GDestroyNotify) tandem_kit_import_free);
}

void
tandem_kit_import_async (TandemKit          *kit,
                         TandemSampleStore  *store,
                         guint64             max_bytes,
                         GCancellable       *cancellable,
                         GAsyncReadyCallback callback,
                         gpointer            user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  ImportData *d = g_new0 (ImportData, 1);

  d->kit = kit_copy (kit);
  d->store = g_object_ref (store);
  d->max_bytes = max_bytes;
  g_task_set_source_tag (task, tandem_kit_import_async);
  g_task_set_task_data (task, d, import_data_free);
  g_task_run_in_thread (task, import_thread);
}

TandemKitImport *
tandem_kit_import_finish (GAsyncResult  *result,
                          GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}
