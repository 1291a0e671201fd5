/* test-kits.c — reading Hydrogen drum kits: the real ones, archives and broken ones
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "tandem-kit.h"
#include "tandem-h2song.h"
#include "tandem-kit-import.h"
#include "tandem-plan-layers.h"

#define SYSTEM_KITS "/usr/share/hydrogen/data/drumkits"

static gboolean
have_hydrogen_data (void)
{
  if (g_file_test (SYSTEM_KITS "/GMRockKit/drumkit.xml", G_FILE_TEST_EXISTS))
    return TRUE;
  g_test_skip ("hydrogen-data is not installed");
  return FALSE;
}

static void
test_system_kits_load (void)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;
  guint n_kits = 0;

  if (!have_hydrogen_data ())
    return;
  dir = g_dir_open (SYSTEM_KITS, 0, NULL);
  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *folder = g_build_filename (SYSTEM_KITS, name, NULL);
      g_autoptr(GError) error = NULL;
      g_autoptr(TandemKit) kit = NULL;
      gint64 t0 = g_get_monotonic_time ();
      guint n_layers = 0;

      kit = tandem_kit_load_folder (folder, &error);
      g_assert_no_error (error);
      g_assert_nonnull (kit);
      g_assert_cmpstr (kit->folder, ==, folder);
      g_assert_cmpuint (kit->instruments->len, >, 0);
      g_assert_cmpstr (kit->author, !=, "");
      for (guint i = 0; i < kit->instruments->len; i++)
        {
          TandemKitInstrument *inst = g_ptr_array_index (kit->instruments, i);

          g_assert_cmpuint (inst->layers->len, >, 0);
          for (guint j = 0; j < inst->layers->len; j++)
            {
              TandemKitLayer *layer = g_ptr_array_index (inst->layers, j);

              g_assert_true (g_file_test (layer->path, G_FILE_TEST_IS_REGULAR));
              g_assert_cmpfloat (layer->min, <=, layer->max);
              n_layers++;
            }
        }
      g_test_message ("%s: %u instruments, %u layers, licence “%s”, read in %.2f ms", kit->name,
                      kit->instruments->len, n_layers, kit->license,
                      (g_get_monotonic_time () - t0) / 1000.0);
      n_kits++;
    }
  g_assert_cmpuint (n_kits, >=, 2);
}

static void
test_gmrock_details (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TandemKit) kit = NULL;
  TandemKitInstrument *kick, *stick;
  TandemKitLayer *layer;

  if (!have_hydrogen_data ())
    return;
  kit = tandem_kit_load_folder (SYSTEM_KITS "/GMRockKit", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (kit->name, ==, "GMRockKit");
  g_assert_cmpstr (kit->author, ==, "Glen MacArthur / Sebastian Moors");
  g_assert_cmpstr (kit->license, ==, "GPL");
  g_assert_true (strstr (kit->info, "Pearl DX") != NULL);
  {
    g_autofree char *plain = tandem_kit_get_plain_info (kit);

    g_assert_cmpstr (plain, ==, "A Sampled 5pc Pearl DX Series Drumkit.");
  }
  g_assert_cmpuint (kit->instruments->len, ==, 18);
  kick = g_ptr_array_index (kit->instruments, 0);
  g_assert_cmpstr (kick->name, ==, "Kick");
  g_assert_cmpuint (kick->layers->len, ==, 5);
  layer = g_ptr_array_index (kick->layers, 1);
  g_assert_cmpstr (layer->file, ==, "Kick-Soft.wav");
  g_assert_cmpfloat_with_epsilon (layer->min, 0.202899, 1e-9);
  g_assert_cmpfloat_with_epsilon (layer->max, 0.369565, 1e-9);
  stick = g_ptr_array_index (kit->instruments, 1);
  g_assert_cmpfloat_with_epsilon (stick->pan, -0.3, 1e-9);
  g_assert_cmpfloat_with_epsilon (stick->volume, 0.99569, 1e-9);
  g_assert_cmpint (stick->mute_group, ==, -1);
}

/* A kit folder of our own with one real sample, written as @xml. */
static char *
make_kit (const char *xml)
{
  g_autofree char *dir = g_dir_make_tmp ("tandem-kit-XXXXXX", NULL);
  g_autofree char *xml_path = g_build_filename (dir, "drumkit.xml", NULL);
  g_autofree char *wav = g_build_filename (dir, "hit.wav", NULL);
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (dir);
  g_file_set_contents (xml_path, xml, -1, &error);
  g_assert_no_error (error);
  g_file_set_contents (wav, "RIFF", 4, &error);
  g_assert_no_error (error);
  return g_steal_pointer (&dir);
}

#define KIT_HEAD "<?xml version=\"1.0\"?>\n<drumkit_info><name>Broken</name><author>Me</author>" \
                 "<license>CC0</license><instrumentList>"
#define KIT_TAIL "</instrumentList></drumkit_info>\n"

static void
assert_refused (const char *xml,
                int         code,
                const char *message_part)
{
  g_autofree char *dir = make_kit (xml);
  g_autoptr(GError) error = NULL;
  g_autoptr(TandemKit) kit = tandem_kit_load_folder (dir, &error);

  g_assert_null (kit);
  g_assert_error (error, TANDEM_KIT_ERROR, code);
  g_test_message ("refused: %s", error->message);
  g_assert_true (strstr (error->message, message_part) != NULL);
}

static void
test_broken_kits (void)
{
  /* Missing files, in the 1.x and the 0.9 form. */
  assert_refused (KIT_HEAD "<instrument><id>0</id><name>Kick</name><instrumentComponent>"
                  "<layer><filename>hit.wav</filename></layer>"
                  "<layer><filename>gone.wav</filename></layer>"
                  "</instrumentComponent></instrument>" KIT_TAIL,
                  TANDEM_KIT_ERROR_MISSING_FILE, "Kit “Broken”: instrument “Kick” needs “gone.wav”, which is missing");
  assert_refused (KIT_HEAD "<instrument><id>0</id><name>Old</name><filename>gone.flac</filename>"
                  "</instrument>" KIT_TAIL,
                  TANDEM_KIT_ERROR_MISSING_FILE, "“gone.flac”");
  /* Bad XML: an unclosed element, and not XML at all. */
  assert_refused (KIT_HEAD "<instrument><name>Kick</name>" KIT_TAIL,
                  TANDEM_KIT_ERROR_XML, "drumkit.xml is not valid XML");
  assert_refused ("\x89PNG\r\n", TANDEM_KIT_ERROR_XML, "not valid XML");
  assert_refused ("<?xml version=\"1.0\"?><song/>", TANDEM_KIT_ERROR_INVALID, "not a Hydrogen drum kit");
  /* Paths out of the kit folder. */
  assert_refused (KIT_HEAD "<instrument><name>Esc</name><layer><filename>../../etc/passwd</filename>"
                  "</layer></instrument>" KIT_TAIL,
                  TANDEM_KIT_ERROR_UNSAFE_PATH, "“../../etc/passwd”, a file outside the kit’s folder");
  assert_refused (KIT_HEAD "<instrument><name>Abs</name><layer><filename>/etc/passwd</filename>"
                  "</layer></instrument>" KIT_TAIL,
                  TANDEM_KIT_ERROR_UNSAFE_PATH, "outside the kit’s folder");
  /* Nesting past the tree's limit, before anything is built from it. */
  {
    g_autoptr(GString) deep = g_string_new ("<drumkit_info>");

    for (guint i = 0; i < 100; i++)
      g_string_append (deep, "<a>");
    assert_refused (deep->str, TANDEM_KIT_ERROR_XML, "nested too deeply");
  }
  /* A kit with nothing to play. */
  assert_refused (KIT_HEAD KIT_TAIL, TANDEM_KIT_ERROR_INVALID, "has no instrument with a sample");
}

/* Damaged copies of a real drumkit.xml (bytes flipped, cut, repeated) are
 * read or refused with a message, never anything worse. */
static void
test_mangled_xml (void)
{
  g_autofree char *xml = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (20261202);
  gsize len;
  guint parsed = 0, refused = 0;

  if (!have_hydrogen_data ())
    return;
  g_assert_true (g_file_get_contents (SYSTEM_KITS "/TR808EmulationKit/drumkit.xml", &xml, &len, NULL));
  for (guint round = 0; round < 2000; round++)
    {
      g_autofree char *copy = g_memdup2 (xml, len + 1);
      g_autoptr(GError) error = NULL;
      g_autoptr(TandemKit) kit = NULL;
      gsize n = len;

      switch (round % 3)
        {
        case 0:
          for (guint k = 0; k < 1 + round % 7; k++)
            copy[g_rand_int_range (rand, 0, (gint32) len)] = (char) g_rand_int_range (rand, 0, 256);
          break;
        case 1:
          n = (gsize) g_rand_int_range (rand, 0, (gint32) len);
          break;
        default:
          {
            gsize at = (gsize) g_rand_int_range (rand, 0, (gint32) len);

            memcpy (copy + at, "<<&&;;></", MIN (9, len - at));
          }
        }
      kit = tandem_kit_parse (copy, n, &error);
      if (kit != NULL)
        parsed++;
      else
        {
          g_assert_true (error != NULL && error->domain == TANDEM_KIT_ERROR);
          g_assert_true (g_utf8_validate (error->message, -1, NULL));
          refused++;
        }
    }
  g_test_message ("%u mangled copies read, %u refused", parsed, refused);
  g_assert_cmpuint (refused, >, 0);
}

static void
test_symlink_escape (void)
{
  g_autofree char *dir = make_kit (KIT_HEAD "<instrument><name>Link</name><layer><filename>"
                                   "link.wav</filename></layer></instrument>" KIT_TAIL);
  g_autofree char *link = g_build_filename (dir, "link.wav", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(TandemKit) kit = NULL;

  g_assert_cmpint (symlink ("/etc/passwd", link), ==, 0);
  kit = tandem_kit_load_folder (dir, &error);
  g_assert_null (kit);
  g_assert_error (error, TANDEM_KIT_ERROR, TANDEM_KIT_ERROR_UNSAFE_PATH);
}

static void
test_old_form (void)
{
  /* Hydrogen 0.9.x: layers on the instrument, pan as two levels, exclusion by mute group. */
  g_autofree char *dir = make_kit (
    "<drumkit_info><name>Old</name><author>A</author><instrumentList>"
    "<instrument><id>3</id><name>Hat</name><volume>0.5</volume><pan_L>1</pan_L><pan_R>0.5</pan_R>"
    "<muteGroup>2</muteGroup><layer><filename>hit.wav</filename><min>0</min><max>0.5</max>"
    "<gain>0.8</gain><pitch>-1.5</pitch></layer></instrument>"
    "<instrument><id>4</id><name>Single</name><filename>hit.wav</filename></instrument>"
    "</instrumentList></drumkit_info>");
  g_autoptr(GError) error = NULL;
  g_autoptr(TandemKit) kit = tandem_kit_load_folder (dir, &error);
  TandemKitInstrument *hat, *single;
  TandemKitLayer *layer;

  g_assert_no_error (error);
  g_assert_cmpuint (kit->instruments->len, ==, 2);
  hat = g_ptr_array_index (kit->instruments, 0);
  g_assert_cmpint (hat->id, ==, 3);
  g_assert_cmpfloat_with_epsilon (hat->pan, -0.5, 1e-9);
  g_assert_cmpint (hat->mute_group, ==, 2);
  layer = g_ptr_array_index (hat->layers, 0);
  g_assert_cmpfloat (layer->max, ==, 0.5);
  g_assert_cmpfloat (layer->gain, ==, 0.8);
  g_assert_cmpfloat (layer->pitch, ==, -1.5);
  single = g_ptr_array_index (kit->instruments, 1);
  g_assert_cmpuint (single->layers->len, ==, 1);
  layer = g_ptr_array_index (single->layers, 0);
  g_assert_cmpfloat (layer->min, ==, 0.0);
  g_assert_cmpfloat (layer->max, ==, 1.0);
}

static gboolean
run (const char *const *argv)
{
  g_autoptr(GError) error = NULL;
  int status = 0;

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL,
                     NULL, NULL, NULL, NULL, &status, &error))
    return FALSE;
  return g_spawn_check_wait_status (status, NULL);
}

static void
test_archive (void)
{
  g_autofree char *tmp = g_dir_make_tmp ("tandem-h2drumkit-XXXXXX", NULL);
  g_autofree char *archive = g_build_filename (tmp, "TR808.h2drumkit", NULL);
  g_autofree char *out = g_build_filename (tmp, "unpacked", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(TandemKit) listed = NULL;
  g_autoptr(TandemKit) kit = NULL;
  const char *tar[] = { "tar", "-czf", archive, "-C", SYSTEM_KITS, "TR808EmulationKit", NULL };
  gint64 t0;

  if (!have_hydrogen_data ())
    return;
  g_assert_true (run (tar));

  t0 = g_get_monotonic_time ();
  listed = tandem_kit_load_archive (archive, NULL, &error);
  g_assert_no_error (error);
  g_test_message ("listing %s: %.2f ms", archive, (g_get_monotonic_time () - t0) / 1000.0);
  g_assert_cmpstr (listed->name, ==, "TR808EmulationKit");
  g_assert_null (listed->folder);
  g_assert_cmpuint (listed->instruments->len, ==, 16);

  t0 = g_get_monotonic_time ();
  kit = tandem_kit_load_archive (archive, out, &error);
  g_assert_no_error (error);
  g_test_message ("unpacking: %.2f ms", (g_get_monotonic_time () - t0) / 1000.0);
  g_assert_cmpstr (kit->folder, ==, out);
  for (guint i = 0; i < kit->instruments->len; i++)
    {
      TandemKitInstrument *inst = g_ptr_array_index (kit->instruments, i);
      TandemKitLayer *layer = g_ptr_array_index (inst->layers, 0);
      g_autofree char *original = g_build_filename (SYSTEM_KITS, "TR808EmulationKit", layer->file, NULL);
      g_autofree char *a = NULL, *b = NULL;
      gsize la, lb;

      g_assert_true (g_str_has_prefix (layer->path, out));
      g_assert_true (g_file_get_contents (layer->path, &a, &la, NULL));
      g_assert_true (g_file_get_contents (original, &b, &lb, NULL));
      g_assert_cmpmem (a, la, b, lb);
    }

  /* Cut short (a download that stopped), it is refused as damaged. */
  {
    g_autofree char *bytes = NULL;
    g_autofree char *cut = g_build_filename (tmp, "cut.h2drumkit", NULL);
    g_autofree char *cut_out = g_build_filename (tmp, "cut-out", NULL);
    g_autoptr(TandemKit) none = NULL;
    gsize len;

    g_assert_true (g_file_get_contents (archive, &bytes, &len, NULL));
    g_assert_true (g_file_set_contents (cut, bytes, (gssize) (len / 2), NULL));
    none = tandem_kit_load_archive (cut, cut_out, &error);
    g_assert_null (none);
    g_assert_error (error, TANDEM_KIT_ERROR, TANDEM_KIT_ERROR_ARCHIVE);
    g_test_message ("refused: %s", error->message);
  }
}

static void
test_archive_broken (void)
{
  g_autofree char *tmp = g_dir_make_tmp ("tandem-h2drumkit-XXXXXX", NULL);
  g_autofree char *kitdir = g_build_filename (tmp, "Evil", NULL);
  g_autofree char *xml = g_build_filename (kitdir, "drumkit.xml", NULL);
  g_autofree char *archive = g_build_filename (tmp, "Evil.h2drumkit", NULL);
  g_autofree char *garbage = g_build_filename (tmp, "Garbage.h2drumkit", NULL);
  g_autofree char *out = g_build_filename (tmp, "out", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(TandemKit) kit = NULL;
  const char *tar[] = { "tar", "-czf", archive, "-C", tmp, "Evil", NULL };

  g_assert_cmpint (g_mkdir (kitdir, 0755), ==, 0);
  g_file_set_contents (xml, KIT_HEAD "<instrument><name>Esc</name><layer><filename>../x.wav"
                       "</filename></layer></instrument>" KIT_TAIL, -1, NULL);
  g_assert_true (run (tar));
  kit = tandem_kit_load_archive (archive, out, &error);
  g_assert_null (kit);
  g_assert_error (error, TANDEM_KIT_ERROR, TANDEM_KIT_ERROR_UNSAFE_PATH);
  g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
  g_clear_error (&error);

  g_file_set_contents (garbage, "this is not a tar archive at all, just text", -1, NULL);
  kit = tandem_kit_load_archive (garbage, out, &error);
  g_assert_null (kit);
  g_assert_error (error, TANDEM_KIT_ERROR, TANDEM_KIT_ERROR_ARCHIVE);
  g_test_message ("refused: %s", error->message);
}

static void
test_find_all (void)
{
  g_autofree char *tmp = g_dir_make_tmp ("tandem-kit-folders-XXXXXX", NULL);
  g_autofree char *broken = g_build_filename (tmp, "Broken", NULL);
  g_autofree char *xml = g_build_filename (broken, "drumkit.xml", NULL);
  const char *folders[] = { tmp, SYSTEM_KITS, NULL };
  g_autoptr(GPtrArray) failed = NULL;
  g_autoptr(GPtrArray) kits = NULL;

  if (!have_hydrogen_data ())
    return;
  g_assert_cmpint (g_mkdir (broken, 0755), ==, 0);
  g_file_set_contents (xml, "<drumkit_info>", -1, NULL);
  kits = tandem_kit_find_all (folders, &failed);
  g_assert_cmpuint (kits->len, ==, 2);
  g_assert_cmpstr (((TandemKit *) g_ptr_array_index (kits, 0))->name, ==, "GMRockKit");
  g_assert_cmpstr (((TandemKit *) g_ptr_array_index (kits, 1))->name, ==, "TR808EmulationKit");
  g_assert_cmpuint (failed->len, ==, 1);
  g_assert_true (strstr (g_ptr_array_index (failed, 0), "not valid XML") != NULL);
}

static void
test_import_layers (void)
{
  g_autofree char *store_dir = g_dir_make_tmp ("tandem-kit-store-XXXXXX", NULL);
  g_autoptr(TandemSampleStore) store = tandem_sample_store_new (store_dir);
  g_autoptr(TandemProject) project = tandem_project_new ();
  g_autoptr(TandemKitImport) import = NULL;
  g_autoptr(TandemKit) kit = NULL;
  g_autoptr(TandemOp) op = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) layers = NULL;
  g_autofree char *layer_text = NULL;
  g_autofree char *licence = NULL;
  g_autofree char *licence_path = NULL;
  g_autoptr(TandemTrack) kick = NULL;
  gint64 t0;

  if (!have_hydrogen_data ())
    return;
  kit = tandem_kit_load_folder (SYSTEM_KITS "/GMRockKit", &error);
  g_assert_no_error (error);
  t0 = g_get_monotonic_time ();
  import = tandem_kit_import (kit, store, TANDEM_SAMPLE_DEFAULT_MAX_BYTES, NULL, &error);
  g_assert_no_error (error);
  g_test_message ("GMRockKit imported into the store in %.1f ms",
                  (g_get_monotonic_time () - t0) / 1000.0);

  /* Kick: five layers, Hydrogen's 0 … 1 ranges on 0 … 127 without gaps or overlaps. */
  layer_text = tandem_kit_import_layers (import, 0);
  layers = tandem_layers_parse (layer_text, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (layers->len, ==, 5);
  g_assert_cmpuint (g_array_index (layers, TandemLayer, 0).min, ==, 0);
  g_assert_cmpuint (g_array_index (layers, TandemLayer, 0).max, ==, 25);   /* 0.202899 × 127 = 25.8 */
  g_assert_cmpuint (g_array_index (layers, TandemLayer, 1).min, ==, 26);
  g_assert_cmpuint (g_array_index (layers, TandemLayer, 4).max, ==, 127);
  for (guint i = 1; i < layers->len; i++)
    g_assert_cmpuint (g_array_index (layers, TandemLayer, i).min, ==,
                      g_array_index (layers, TandemLayer, i - 1).max + 1);

  /* The licence sits beside each sample in the store. */
  licence_path = g_strconcat (store_dir, "/", g_array_index (layers, TandemLayer, 0).sample, ".licence", NULL);
  g_assert_true (g_file_get_contents (licence_path, &licence, NULL, NULL));
  g_assert_true (strstr (licence, "Licence: GPL") != NULL);
  g_assert_true (strstr (licence, "Glen MacArthur") != NULL);

  op = tandem_kit_import_build_tracks_op (import, project, NULL, -1);
  g_assert_true (tandem_project_apply (project, op, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (tandem_project_get_tracks (project)), ==, 18);
  kick = g_list_model_get_item (tandem_project_get_tracks (project), 0);
  g_assert_cmpstr (tandem_track_get_name (kick), ==, "Kick");
  g_assert_cmpstr (tandem_track_get_instrument (kick), ==, "sampler");
  g_assert_cmpstr (tandem_track_get_layers (kick), ==, layer_text);
  /* A sample a layer uses cannot be deleted from under it. */
  {
    g_autoptr(TandemOp) del = tandem_op_new_delete (TANDEM_ENTITY_SAMPLE,
                                                    g_array_index (layers, TandemLayer, 2).sample);

    g_assert_false (tandem_project_apply (project, del, NULL, &error));
    g_assert_error (error, TANDEM_MODEL_ERROR, TANDEM_MODEL_ERROR_CONSTRAINT);
  }
}

/* The licence travels with the samples: into the project's samples folder
 * on save, and back into a store on open. */
static void
test_licence_saved_with_project (void)
{
  TandemSampleStore *store = tandem_sample_store_get_default ();
  g_autofree char *dir = g_dir_make_tmp ("tandem-kit-project-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "beat.tandem", NULL);
  g_autoptr(TandemProject) project = tandem_project_new ();
  g_autoptr(TandemProject) reopened = NULL;
  g_autoptr(TandemKit) kit = NULL;
  g_autoptr(TandemKitImport) import = NULL;
  g_autoptr(TandemSampleInfo) info = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *beside = NULL;
  g_autofree char *in_store = NULL;
  g_autofree char *text = NULL;
  g_autofree char *stored = NULL;
  g_autoptr(TandemOp) op = NULL;

  if (!have_hydrogen_data ())
    return;
  kit = tandem_kit_load_folder (SYSTEM_KITS "/TR808EmulationKit", &error);
  g_assert_no_error (error);
  import = tandem_kit_import (kit, store, TANDEM_SAMPLE_DEFAULT_MAX_BYTES, NULL, &error);
  g_assert_no_error (error);
  op = tandem_kit_import_build_tracks_op (import, project, NULL, -1);
  g_assert_true (tandem_project_apply (project, op, NULL, &error));
  g_assert_true (tandem_project_save_to_file (project, path, &error));
  g_assert_no_error (error);

  info = g_list_model_get_item (tandem_project_get_samples (project), 0);
  beside = g_strdup_printf ("%s/samples/%s.licence", dir, tandem_sample_info_get_id (info));
  g_assert_true (g_file_get_contents (beside, &text, NULL, NULL));
  g_assert_true (strstr (text, "Hydrogen drum kit: TR808EmulationKit") != NULL);
  g_assert_true (strstr (text, "Licence: GPL") != NULL);

  /* Opened where the store lacks it, the licence comes back with the sample. */
  stored = tandem_sample_store_lookup (store, tandem_sample_info_get_id (info));
  in_store = g_strconcat (stored, ".licence", NULL);
  g_assert_cmpint (g_unlink (stored), ==, 0);
  g_assert_cmpint (g_unlink (in_store), ==, 0);
  reopened = tandem_project_new_from_file (path, &error);
  g_assert_no_error (error);
  g_assert_true (g_file_test (in_store, G_FILE_TEST_IS_REGULAR));
}

static void
test_broken_songs (void)
{
  static const struct { const char *text; int code; const char *part; } cases[] = {
    { "<song><bpm>120", TANDEM_KIT_ERROR_XML, "is not valid XML" },
    { "<drumkit_info/>", TANDEM_KIT_ERROR_INVALID, "this is not a Hydrogen song" },
    { "<song><bpm>120</bpm></song>", TANDEM_KIT_ERROR_INVALID, "no <instrumentList>" },
    { "<song><instrumentList/><patternList/></song>", TANDEM_KIT_ERROR_INVALID, "the song has no pattern" },
  };
  g_autofree char *dir = g_dir_make_tmp ("tandem-h2song-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "broken.h2song", NULL);
  g_autofree char *store_dir = g_build_filename (dir, "store", NULL);
  g_autoptr(TandemSampleStore) store = tandem_sample_store_new (store_dir);
  const char *none[] = { dir, NULL };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(TandemProject) project = NULL;

      g_assert_true (g_file_set_contents (path, cases[i].text, -1, NULL));
      project = tandem_h2song_load (path, none, store, &error);
      g_assert_null (project);
      g_assert_error (error, TANDEM_KIT_ERROR, cases[i].code);
      g_test_message ("refused: %s", error->message);
      g_assert_true (strstr (error->message, cases[i].part) != NULL);
    }
}

static TandemSample *
lookup_table (const char *hash,
              gpointer    data)
{
  return g_hash_table_lookup (data, hash);
}

/* Each velocity resolves to its layer's sample (and gain) once per plan; a
 * layer not decoded yet is silent, the others still play. */
static void
test_plan_layers (void)
{
  g_autoptr(GHashTable) samples = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                                         (GDestroyNotify) tandem_sample_unref);
  const char *soft = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
  const char *hard = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
  const char *missing = "cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc";
  g_autofree char *text = g_strdup_printf ("%s:0-40:1:0;%s:41-100:0.5:0;%s:101-127:1:0", soft, hard, missing);
  float one = 0.25f, two = 0.75f;
  TandemPlanOptions options = { 0 };
  TandemPlanLayers layers;

  g_hash_table_insert (samples, (gpointer) soft, tandem_sample_new_from_frames (&one, 1, 48000));
  g_hash_table_insert (samples, (gpointer) hard, tandem_sample_new_from_frames (&two, 1, 48000));
  options.sample_rate = 48000;
  options.lookup = lookup_table;
  options.lookup_data = samples;

  g_assert_true (tandem_plan_layers_resolve (&layers, text, 48000, &options));
  g_assert_cmpuint (layers.n_samples, ==, 2);
  g_assert_true (layers.by_velocity[1] == g_hash_table_lookup (samples, soft));
  g_assert_true (layers.by_velocity[40] == g_hash_table_lookup (samples, soft));
  g_assert_true (layers.by_velocity[41] == g_hash_table_lookup (samples, hard));
  g_assert_cmpfloat (layers.gain[41], ==, 0.5f);
  g_assert_cmpfloat (layers.gain[40], ==, 1.0f);
  g_assert_null (layers.by_velocity[101]);
  g_assert_null (layers.by_velocity[127]);
  g_assert_true (tandem_plan_layers_has (&layers, g_hash_table_lookup (samples, hard)));
  tandem_plan_layers_clear (&layers);

  /* At another rate nothing plays (the cache resamples to the engine's). */
  g_assert_false (tandem_plan_layers_resolve (&layers, text, 44100, &options));
  tandem_plan_layers_clear (&layers);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/kits/system-kits-load", test_system_kits_load);
  g_test_add_func ("/kits/gmrock-details", test_gmrock_details);
  g_test_add_func ("/kits/broken", test_broken_kits);
  g_test_add_func ("/kits/symlink-escape", test_symlink_escape);
  g_test_add_func ("/kits/mangled-xml", test_mangled_xml);
  g_test_add_func ("/kits/old-form", test_old_form);
  g_test_add_func ("/kits/archive", test_archive);
  g_test_add_func ("/kits/archive-broken", test_archive_broken);
  g_test_add_func ("/kits/find-all", test_find_all);
  g_test_add_func ("/kits/import-layers", test_import_layers);
  g_test_add_func ("/kits/plan-layers", test_plan_layers);
  g_test_add_func ("/kits/broken-songs", test_broken_songs);
  g_test_add_func ("/kits/licence-saved-with-project", test_licence_saved_with_project);

  return g_test_run ();
}
