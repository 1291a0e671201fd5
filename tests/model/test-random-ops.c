/* test-random-ops.c — 100,000 random valid ops undo exactly; random invalid
 * ops fail with the right code and change nothing
 *
 * The seed comes from TANDEM_TEST_SEED when set, else from GTest's seed
 * (shown with --verbose; rerun with --seed=R02S…). TANDEM_TEST_OPS changes
 * the number of ops (e.g. fewer under valgrind).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-random-ops"

#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "test-model-util.h"

#define N_OPS 100000

typedef struct
{
  TandemProject *project;
  GRand         *rand;
  guint          serial;
  guint          counts[8];
  gboolean       in_batch;   /* batch children are made without being applied */
} Gen;

/* Other clips of @pattern sounding somewhere in [@start, @start + @length):
 * with fewer than TANDEM_MAX_CLIP_OVERLAP of them the clip is valid there. */
static guint
clips_overlapping (TandemProject *p,
                   const char    *except,
                   const char    *pattern,
                   guint          start,
                   guint          length)
{
  GListModel *clips = tandem_project_get_clips (p);
  guint n = 0;

  for (guint i = 0; i < g_list_model_get_n_items (clips); i++)
    {
      g_autoptr(TandemClip) c = g_list_model_get_item (clips, i);

      if (g_strcmp0 (tandem_clip_get_id (c), except) != 0
          && g_strcmp0 (tandem_clip_get_pattern (c), pattern) == 0
          && tandem_clip_get_start (c) < start + length
          && start < tandem_clip_get_start (c) + tandem_clip_get_length (c))
        n++;
    }
  return n;
}

static int
rnd (Gen *gen,
     int  lo,
     int  hi) /* inclusive */
{
  return g_rand_int_range (gen->rand, lo, hi + 1);
}

static gpointer
pick (Gen        *gen,
      GListModel *model)
{
  guint n = g_list_model_get_n_items (model);

  if (n == 0)
    return NULL;
  return g_list_model_get_item (model, g_rand_int_range (gen->rand, 0, n));
}

static guint
n_items (GListModel *model)
{
  return g_list_model_get_n_items (model);
}

static char *
fresh_id (Gen *gen)
{
  /* Sometimes a random id, sometimes a short readable one. */
  if (g_rand_boolean (gen->rand))
    return tandem_id_new ();
  return g_strdup_printf ("r%u", gen->serial++);
}

static char *
random_hash (Gen *gen)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < 64; i++)
    g_string_append_c (s, "0123456789abcdef"[rnd (gen, 0, 15)]);
  return g_string_free (s, FALSE);
}

static const char *
random_name (Gen *gen)
{
  static const char *names[] = { "Kick", "Snare 2", "Ünïcödé ✨", "🥁", "a", "Verse/Chorus",
                                 "\"quoted\"", "back\\slash" };
  return names[rnd (gen, 0, G_N_ELEMENTS (names) - 1)];
}

static double
random_double (Gen    *gen,
               double  lo,
               double  hi)
{
  switch (rnd (gen, 0, 3))
    {
    case 0: return lo;
    case 1: return hi;
    case 2: return round (g_rand_double_range (gen->rand, lo, hi));
    default: return g_rand_double_range (gen->rand, lo, hi);
    }
}

static JsonNode *
random_instrument (Gen *gen)
{
  const char * const *builtins = tandem_builtin_instruments ();
  g_autoptr(TandemSampleInfo) sample = NULL;

  if (rnd (gen, 0, 3) == 0 && (sample = pick (gen, tandem_project_get_samples (gen->project))))
    {
      g_autofree char *s = g_strconcat ("sample:", tandem_sample_info_get_id (sample), NULL);
      return json_node_init_string (json_node_alloc (), s);
    }
  return json_node_init_string (json_node_alloc (), builtins[rnd (gen, 0, 7)]);
}

static char *
random_row_json (Gen *gen)
{
  GString *s = g_string_new ("{\"velocity\":\"");

  for (guint i = 0; i < 64; i++)
    g_string_append_printf (s, "%02x", rnd (gen, 0, 3) == 0 ? rnd (gen, 1, 127) : 0);
  g_string_append (s, "\"");
  if (g_rand_boolean (gen->rand))
    {
      g_string_append (s, ",\"note\":\"");
      for (guint i = 0; i < 64; i++)
        g_string_append_printf (s, "%02x", rnd (gen, -24, 24) + 64);
      g_string_append (s, "\"");
    }
  g_string_append (s, "}");
  return g_string_free (s, FALSE);
}

static TandemOp *
random_set (Gen *gen)
{
  TandemProject *p = gen->project;
  int dice = rnd (gen, 0, 5);

  if (dice == 0)
    {
      g_autoptr(TandemPattern) pattern = pick (gen, tandem_project_get_patterns (p));
      const TandemEntityKind P = TANDEM_ENTITY_PROJECT;
      gboolean coin = g_rand_boolean (gen->rand);

      switch (rnd (gen, 0, 15))
        {
        case 0: return tandem_op_new_set_string (P, NULL, "name", random_name (gen));
        case 1: return tandem_op_new_set_double (P, NULL, "tempo", random_double (gen, 20, 300));
        case 2: return tandem_op_new_set_double (P, NULL, "swing", random_double (gen, 0, 75));
        case 3: return tandem_op_new_set_int (P, NULL, "steps-per-beat", rnd (gen, 1, 8));
        case 4: return tandem_op_new_set_int (P, NULL, "beats-per-bar", rnd (gen, 1, 16));
        case 5: return tandem_op_new_set_int (P, NULL, "key-root", rnd (gen, 0, 11));
        case 6:
          return tandem_op_new_set_string (P, NULL, "scale",
                                           tandem_scale_to_string (rnd (gen, 0, 7)));
        case 7:
          return tandem_op_new_set_double (P, NULL, "master-volume", random_double (gen, -60, 6));
        case 8: return tandem_op_new_set_boolean (P, NULL, "playing", coin);
        case 9: return tandem_op_new_set_string (P, NULL, "play-mode", coin ? "song" : "pattern");
        case 10:
          return tandem_op_new_set_string (P, NULL, "current-pattern",
                                           rnd (gen, 0, 4) == 0 ? ""
                                                                : tandem_pattern_get_id (pattern));
        case 11: return tandem_op_new_set_boolean (P, NULL, "loop-enabled", coin);
        case 12: return tandem_op_new_set_int (P, NULL, "loop-start", rnd (gen, 0, 9998));
        case 13:
          return tandem_op_new_set_int (P, NULL, "anchor-time",
                                        rnd (gen, 0, 1 << 30) * (gint64) rnd (gen, 0, 1 << 23));
        case 14: return tandem_op_new_set_int (P, NULL, "anchor-step", rnd (gen, 0, 1 << 20));
        default: return tandem_op_new_set_int (P, NULL, "loop-length", rnd (gen, 1, 9999));
        }
    }
  if (dice <= 2)
    {
      g_autoptr(TandemTrack) track = pick (gen, tandem_project_get_tracks (p));
      const TandemEntityKind T = TANDEM_ENTITY_TRACK;
      const char *id;
      char color[8];

      if (track == NULL)
        return NULL;
      id = tandem_track_get_id (track);
      switch (rnd (gen, 0, 6))
        {
        case 0: return tandem_op_new_set_string (T, id, "name", random_name (gen));
        case 1:
          g_snprintf (color, sizeof color, "#%06x", rnd (gen, 0, 0xffffff));
          return tandem_op_new_set_string (T, id, "color", color);
        case 2: return tandem_op_new_set (T, id, "instrument", random_instrument (gen));
        case 3: return tandem_op_new_set_double (T, id, "volume", random_double (gen, -60, 6));
        case 4: return tandem_op_new_set_double (T, id, "pan", random_double (gen, -1, 1));
        case 5: return tandem_op_new_set_boolean (T, id, "mute", g_rand_boolean (gen->rand));
        default: return tandem_op_new_set_boolean (T, id, "solo", g_rand_boolean (gen->rand));
        }
    }
  if (dice == 3)
    {
      g_autoptr(TandemPattern) pattern = pick (gen, tandem_project_get_patterns (p));
      const char *id = tandem_pattern_get_id (pattern);

      if (g_rand_boolean (gen->rand))
        return tandem_op_new_set_string (TANDEM_ENTITY_PATTERN, id, "name", random_name (gen));
      return tandem_op_new_set_int (TANDEM_ENTITY_PATTERN, id, "length", rnd (gen, 1, 64));
    }
  if (dice == 4)
    {
      g_autoptr(TandemClip) clip = pick (gen, tandem_project_get_clips (p));
      g_autoptr(TandemPattern) pattern = pick (gen, tandem_project_get_patterns (p));
      const char *id;

      guint start, length;

      /* Clip ops in a batch could stack a pattern past the overlap cap
       * together; alone each is checked against the project. */
      if (clip == NULL || gen->in_batch)
        return NULL;
      id = tandem_clip_get_id (clip);
      start = tandem_clip_get_start (clip);
      length = tandem_clip_get_length (clip);
      switch (rnd (gen, 0, 2))
        {
        case 0:
          if (clips_overlapping (p, id, tandem_pattern_get_id (pattern), start, length) >= TANDEM_MAX_CLIP_OVERLAP)
            return NULL;
          return tandem_op_new_set_string (TANDEM_ENTITY_CLIP, id, "pattern",
                                           tandem_pattern_get_id (pattern));
        case 1:
          start = rnd (gen, 0, 9998);
          if (clips_overlapping (p, id, tandem_clip_get_pattern (clip), start, length) >= TANDEM_MAX_CLIP_OVERLAP)
            return NULL;
          return tandem_op_new_set_int (TANDEM_ENTITY_CLIP, id, "start", start);
        default:
          length = rnd (gen, 1, 9999);
          if (clips_overlapping (p, id, tandem_clip_get_pattern (clip), start, length) >= TANDEM_MAX_CLIP_OVERLAP)
            return NULL;
          return tandem_op_new_set_int (TANDEM_ENTITY_CLIP, id, "length", length);
        }
    }
  {
    g_autoptr(TandemSampleInfo) sample = pick (gen, tandem_project_get_samples (p));

    if (sample == NULL)
      return NULL;
    return tandem_op_new_set_string (TANDEM_ENTITY_SAMPLE, tandem_sample_info_get_id (sample),
                                     "name", random_name (gen));
  }
}

static TandemOp *
random_cell (Gen *gen)
{
  g_autoptr(TandemPattern) pattern = pick (gen, tandem_project_get_patterns (gen->project));
  g_autoptr(TandemTrack) track = pick (gen, tandem_project_get_tracks (gen->project));
  guint step = rnd (gen, 0, 9) == 0 ? rnd (gen, 0, 63) : rnd (gen, 0, 15);
  const char *pid, *tid;

  if (track == NULL)
    return NULL;
  pid = tandem_pattern_get_id (pattern);
  tid = tandem_track_get_id (track);
  switch (rnd (gen, 0, 5))
    {
    case 0: return tandem_op_new_set_cell (pid, tid, step, "probability", rnd (gen, 0, 100));
    case 1: return tandem_op_new_set_cell (pid, tid, step, "note", rnd (gen, -24, 24));
    default:
      return tandem_op_new_set_cell (pid, tid, step, "velocity",
                                     rnd (gen, 0, 2) ? rnd (gen, 0, 127) : 0);
    }
}

static TandemOp *
random_insert (Gen *gen)
{
  TandemProject *p = gen->project;
  g_autofree char *id = fresh_id (gen);
  g_autofree char *json = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  TandemEntityKind kind;
  int index = rnd (gen, -1, 20);

  switch (rnd (gen, 0, 3))
    {
    case 0:
      if (n_items (tandem_project_get_tracks (p)) >= 12)
        return NULL;
      kind = TANDEM_ENTITY_TRACK;
      {
        g_autoptr(JsonNode) instrument = random_instrument (gen);
        g_autoptr(TandemPattern) pattern = pick (gen, tandem_project_get_patterns (p));
        g_autofree char *row = random_row_json (gen);

        /* Sometimes with cells, as the insert that undoes a delete has. */
        if (g_rand_boolean (gen->rand))
          json = g_strdup_printf ("{\"id\":\"%s\",\"name\":\"T%u\",\"instrument\":\"%s\","
                                  "\"cells\":{\"%s\":%s}}",
                                  id, gen->serial, json_node_get_string (instrument),
                                  tandem_pattern_get_id (pattern), row);
        else
          json = g_strdup_printf ("{\"id\":\"%s\",\"name\":\"T%u\",\"instrument\":\"%s\","
                                  "\"volume\":%d}",
                                  id, gen->serial, json_node_get_string (instrument),
                                  rnd (gen, -60, 6));
      }
      break;
    case 1:
      if (n_items (tandem_project_get_patterns (p)) >= 6)
        return NULL;
      kind = TANDEM_ENTITY_PATTERN;
      {
        g_autoptr(TandemTrack) track = pick (gen, tandem_project_get_tracks (p));
        g_autofree char *row = random_row_json (gen);

        if (track != NULL && g_rand_boolean (gen->rand))
          json = g_strdup_printf ("{\"id\":\"%s\",\"name\":\"P\",\"length\":%d,"
                                  "\"cells\":{\"%s\":%s}}",
                                  id, rnd (gen, 1, 64), tandem_track_get_id (track), row);
        else
          json = g_strdup_printf ("{\"id\":\"%s\",\"length\":%d}", id, rnd (gen, 1, 64));
      }
      break;
    case 2:
      if (n_items (tandem_project_get_clips (p)) >= 24 || gen->in_batch)
        return NULL;
      kind = TANDEM_ENTITY_CLIP;
      {
        g_autoptr(TandemPattern) pattern = pick (gen, tandem_project_get_patterns (p));
        int start = rnd (gen, 0, 100), length = rnd (gen, 1, 16);

        if (clips_overlapping (p, NULL, tandem_pattern_get_id (pattern), start, length) >= TANDEM_MAX_CLIP_OVERLAP)
          return NULL;
        json = g_strdup_printf ("{\"id\":\"%s\",\"pattern\":\"%s\",\"start\":%d,\"length\":%d}",
                                id, tandem_pattern_get_id (pattern), start, length);
      }
      break;
    default:
      if (n_items (tandem_project_get_samples (p)) >= 5)
        return NULL;
      kind = TANDEM_ENTITY_SAMPLE;
      {
        g_autofree char *hash = random_hash (gen);

        json = g_strdup_printf ("{\"id\":\"%s\",\"name\":\"s.wav\",\"format\":\"wav\","
                                "\"frames\":%d,\"rate\":44100,\"channels\":%d,\"bytes\":%d}",
                                hash, rnd (gen, 0, 100000), rnd (gen, 1, 2), rnd (gen, 44, 400044));
      }
      break;
    }
  json_parser_load_from_data (parser, json, -1, NULL);
  return tandem_op_new_insert (kind, index, json_node_copy (json_parser_get_root (parser)));
}

static gboolean
sample_in_use (TandemProject *p,
               const char    *hash)
{
  GListModel *tracks = tandem_project_get_tracks (p);

  for (guint i = 0; i < n_items (tracks); i++)
    {
      g_autoptr(TandemTrack) t = g_list_model_get_item (tracks, i);
      const char *h = tandem_instrument_get_sample (tandem_track_get_instrument (t));

      if (h != NULL && strcmp (h, hash) == 0)
        return TRUE;
    }
  return FALSE;
}

static TandemOp *
random_delete (Gen      *gen,
               gboolean  in_batch)
{
  TandemProject *p = gen->project;

  /* In a batch a sibling may have just given the sample to a track. */
  switch (rnd (gen, 0, in_batch ? 2 : 3))
    {
    case 0:
      {
        g_autoptr(TandemTrack) t = pick (gen, tandem_project_get_tracks (p));
        return t ? tandem_op_new_delete (TANDEM_ENTITY_TRACK, tandem_track_get_id (t)) : NULL;
      }
    case 1:
      {
        g_autoptr(TandemPattern) pt = pick (gen, tandem_project_get_patterns (p));
        if (n_items (tandem_project_get_patterns (p)) < 2)
          return NULL;
        return tandem_op_new_delete (TANDEM_ENTITY_PATTERN, tandem_pattern_get_id (pt));
      }
    case 2:
      {
        g_autoptr(TandemClip) c = pick (gen, tandem_project_get_clips (p));
        return c ? tandem_op_new_delete (TANDEM_ENTITY_CLIP, tandem_clip_get_id (c)) : NULL;
      }
    default:
      {
        g_autoptr(TandemSampleInfo) s = pick (gen, tandem_project_get_samples (p));
        if (s == NULL || sample_in_use (p, tandem_sample_info_get_id (s)))
          return NULL;
        return tandem_op_new_delete (TANDEM_ENTITY_SAMPLE, tandem_sample_info_get_id (s));
      }
    }
}

static TandemOp *
random_move (Gen *gen)
{
  TandemProject *p = gen->project;
  g_autoptr(GObject) item = NULL;
  TandemEntityKind kind;
  const char *id;

  switch (rnd (gen, 0, 3))
    {
    case 0: kind = TANDEM_ENTITY_TRACK; item = pick (gen, tandem_project_get_tracks (p)); break;
    case 1: kind = TANDEM_ENTITY_PATTERN; item = pick (gen, tandem_project_get_patterns (p)); break;
    case 2: kind = TANDEM_ENTITY_CLIP; item = pick (gen, tandem_project_get_clips (p)); break;
    default: kind = TANDEM_ENTITY_SAMPLE; item = pick (gen, tandem_project_get_samples (p)); break;
    }
  if (item == NULL)
    return NULL;
  g_object_get (item, "id", &id, NULL);
  {
    g_autofree char *owned = (char *) id;
    return tandem_op_new_move (kind, owned, rnd (gen, -1, 14));
  }
}

static TandemOp *random_valid (Gen *gen, gboolean in_batch);

/* Children that stay valid whatever their siblings did before them: sets,
 * cells, inserts with fresh ids and moves, with at most one delete, last. */
static TandemOp *
random_batch (Gen *gen)
{
  TandemOp *batch = tandem_op_new_batch ();
  guint n = rnd (gen, 0, 4);

  gen->in_batch = TRUE;
  for (guint i = 0; i < n; i++)
    {
      TandemOp *child = random_valid (gen, TRUE);

      if (child != NULL)
        tandem_op_batch_add (batch, child);
    }
  gen->in_batch = FALSE;
  if (rnd (gen, 0, 2) == 0)
    {
      TandemOp *del = random_delete (gen, TRUE);

      if (del != NULL)
        tandem_op_batch_add (batch, del);
    }
  return batch;
}

static TandemOp *
random_valid (Gen      *gen,
              gboolean  in_batch)
{
  TandemOp *op = NULL;

  while (op == NULL)
    {
      int dice = rnd (gen, 0, 99);

      if (dice < 40)
        op = random_cell (gen);
      else if (dice < 65)
        op = random_set (gen);
      else if (dice < 77)
        op = random_insert (gen);
      else if (dice < 84)
        op = in_batch ? NULL : random_delete (gen, FALSE);
      else if (dice < 92)
        op = random_move (gen);
      else
        op = in_batch ? NULL : random_batch (gen);
    }
  return op;
}

/* An op that must fail, with the code it must fail with. */
static TandemOp *
random_invalid (Gen *gen,
                int *code)
{
  TandemProject *p = gen->project;
  g_autoptr(TandemTrack) track = pick (gen, tandem_project_get_tracks (p));
  g_autoptr(TandemPattern) pattern = pick (gen, tandem_project_get_patterns (p));
  const char *pid = tandem_pattern_get_id (pattern);

  switch (rnd (gen, 0, 15))
    {
    case 0:
      *code = TANDEM_MODEL_ERROR_UNKNOWN_ENTITY;
      return tandem_op_new_set_double (TANDEM_ENTITY_TRACK, "no-such-track", "volume", 0);
    case 1:
      *code = TANDEM_MODEL_ERROR_OUT_OF_RANGE;
      return tandem_op_new_set_double (TANDEM_ENTITY_PROJECT, NULL, "tempo",
                                       g_rand_boolean (gen->rand) ? 19.999 : 300.5);
    case 2:
      *code = TANDEM_MODEL_ERROR_WRONG_TYPE;
      return tandem_op_new_set_string (TANDEM_ENTITY_PROJECT, NULL, "swing", "12");
    case 3:
      *code = TANDEM_MODEL_ERROR_OUT_OF_RANGE;
      return tandem_op_new_set_double (TANDEM_ENTITY_PROJECT, NULL, "master-volume",
                                       g_rand_boolean (gen->rand) ? NAN : -INFINITY);
    case 4:
      *code = TANDEM_MODEL_ERROR_UNKNOWN_PROPERTY;
      return tandem_op_new_set_int (TANDEM_ENTITY_PATTERN, pid, "colour", 1);
    case 5:
      if (track == NULL)
        break;
      *code = TANDEM_MODEL_ERROR_OUT_OF_RANGE;
      return tandem_op_new_set_cell (pid, tandem_track_get_id (track), rnd (gen, 64, 1000),
                                     "velocity", 1);
    case 6:
      if (track == NULL)
        break;
      *code = TANDEM_MODEL_ERROR_OUT_OF_RANGE;
      return tandem_op_new_set_cell (pid, tandem_track_get_id (track), 0, "velocity",
                                     g_rand_boolean (gen->rand) ? 128 : -1);
    case 7:
      {
        g_autofree char *json = g_strdup_printf ("{\"id\":\"%s\"}", pid);
        *code = TANDEM_MODEL_ERROR_DUPLICATE_ID;
        return tandem_op_new_insert (TANDEM_ENTITY_PATTERN, 0, parse_json (json));
      }
    case 8:
      if (n_items (tandem_project_get_patterns (p)) != 1)
        break;
      *code = TANDEM_MODEL_ERROR_CONSTRAINT;
      return tandem_op_new_delete (TANDEM_ENTITY_PATTERN, pid);
    case 9:
      *code = TANDEM_MODEL_ERROR_UNKNOWN_ENTITY;
      return tandem_op_new_set_string (TANDEM_ENTITY_PROJECT, NULL, "current-pattern", "ghost");
    case 10:
      if (track == NULL)
        break;
      *code = TANDEM_MODEL_ERROR_WRONG_TYPE;
      return tandem_op_new_set_int (TANDEM_ENTITY_TRACK, tandem_track_get_id (track), "solo", 1);
    case 11:
      {
        /* valid children, then a bad one: all rolled back */
        TandemOp *batch = tandem_op_new_batch ();

        tandem_op_batch_add (batch, random_valid (gen, TRUE));
        tandem_op_batch_add (batch, random_valid (gen, TRUE));
        tandem_op_batch_add (batch, tandem_op_new_set_int (TANDEM_ENTITY_PROJECT, NULL,
                                                           "key-root", 12));
        *code = TANDEM_MODEL_ERROR_OUT_OF_RANGE;
        return batch;
      }
    case 12:
      {
        GListModel *tracks = tandem_project_get_tracks (p);

        for (guint i = 0; i < n_items (tracks); i++)
          {
            g_autoptr(TandemTrack) t = g_list_model_get_item (tracks, i);
            const char *h = tandem_instrument_get_sample (tandem_track_get_instrument (t));

            if (h != NULL)
              {
                *code = TANDEM_MODEL_ERROR_CONSTRAINT;
                return tandem_op_new_delete (TANDEM_ENTITY_SAMPLE, h);
              }
          }
        break;
      }
    case 13:
      *code = TANDEM_MODEL_ERROR_UNKNOWN_ENTITY;
      return tandem_op_new_move (TANDEM_ENTITY_CLIP, "ghost", 0);
    case 14:
      *code = TANDEM_MODEL_ERROR_UNKNOWN_ENTITY;
      return tandem_op_new_insert (TANDEM_ENTITY_CLIP, -1,
                                   parse_json ("{\"id\":\"orphan\",\"pattern\":\"ghost\"}"));
    default:
      *code = TANDEM_MODEL_ERROR_OUT_OF_RANGE;
      return tandem_op_new_set (TANDEM_ENTITY_PROJECT, NULL, "loop-length",
                                json_node_init_int (json_node_alloc (), 0));
    }
  *code = TANDEM_MODEL_ERROR_UNKNOWN_ENTITY;
  return tandem_op_new_delete (TANDEM_ENTITY_TRACK, "ghost");
}

/* Invalid ops that fail already as JSON, before any project sees them. */
static void
check_invalid_json (Gen *gen)
{
  static const struct { const char *json; int code; } cases[] = {
    { "{\"op\":\"explode\",\"kind\":\"track\",\"id\":\"a\"}", TANDEM_MODEL_ERROR_UNKNOWN_OP },
    { "{\"op\":\"set\",\"kind\":\"track\",\"id\":\"\",\"prop\":\"volume\",\"value\":1}",
      TANDEM_MODEL_ERROR_INVALID },
    { "{\"op\":\"set\",\"kind\":\"track\",\"id\":\"a\",\"prop\":\"volume\",\"value\":1e999}", -1 },
    { "{\"op\":\"batch\",\"ops\":{}}", TANDEM_MODEL_ERROR_INVALID },
  };
  guint i = rnd (gen, 0, G_N_ELEMENTS (cases) - 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(TandemOp) op = tandem_op_from_string (cases[i].json, &error);

  if (cases[i].code >= 0)
    {
      g_assert_null (op);
      g_assert_error (error, TANDEM_MODEL_ERROR, cases[i].code);
    }
  else if (op != NULL)
    {
      /* 1e999 parses as infinity: the project refuses it. */
      g_autoptr(GError) apply_error = NULL;

      g_assert_false (tandem_project_apply (gen->project, op, NULL, &apply_error));
      g_assert_nonnull (apply_error);
    }
}

static void
test_random_ops (void)
{
  g_autoptr(TandemProject) project = tandem_project_new_demo ();
  g_autoptr(GPtrArray) inverses = g_ptr_array_new_with_free_func ((GDestroyNotify) tandem_op_unref);
  g_autofree char *original = tandem_project_to_string (project);
  g_autofree char *final = NULL;
  const char *env = g_getenv ("TANDEM_TEST_SEED");
  guint32 seed = env != NULL ? (guint32) strtoul (env, NULL, 10) : (guint32) g_test_rand_int ();
  const char *ops_env = g_getenv ("TANDEM_TEST_OPS");
  guint n_ops = ops_env != NULL ? (guint) strtoul (ops_env, NULL, 10) : N_OPS;
  guint invalid = 0, batches = 0;
  Gen gen = { project, g_rand_new_with_seed (seed), 0, { 0 } };

  g_test_message ("seed %u (set TANDEM_TEST_SEED=%u to repeat)", seed, seed);

  for (guint i = 0; i < n_ops; i++)
    {
      g_autoptr(TandemOp) op = random_valid (&gen, FALSE);
      g_autoptr(TandemOp) parsed = NULL;
      g_autoptr(GError) error = NULL;
      TandemOp *inverse = NULL;

      /* Every tenth op travels as JSON, like ops from the network. */
      if (i % 10 == 0)
        {
          g_autofree char *text = tandem_op_to_string (op);

          parsed = tandem_op_from_string (text, &error);
          g_assert_no_error (error);
        }
      if (!tandem_project_apply (project, parsed ? parsed : op, &inverse, &error))
        {
          g_autofree char *text = tandem_op_to_string (op);
          g_error ("op %u (seed %u) failed: %s\n%s", i, seed, error->message, text);
        }
      g_ptr_array_add (inverses, inverse);
      batches += tandem_op_get_kind (op) == TANDEM_OP_BATCH;

      if (rnd (&gen, 0, 49) == 0)
        {
          g_autofree char *before = tandem_project_to_string (project);
          g_autofree char *after = NULL;
          g_autoptr(GError) bad_error = NULL;
          int code = -1;
          g_autoptr(TandemOp) bad = random_invalid (&gen, &code);

          if (!tandem_project_apply (project, bad, NULL, &bad_error))
            {
              g_assert_error (bad_error, TANDEM_MODEL_ERROR, code);
            }
          else
            {
              g_autofree char *text = tandem_op_to_string (bad);
              g_error ("invalid op applied (seed %u): %s", seed, text);
            }
          after = tandem_project_to_string (project);
          g_assert_cmpstr (after, ==, before);
          check_invalid_json (&gen);
          invalid++;
        }

      /* Now and then the state must survive a reload byte for byte. */
      if (i % 5000 == 4999)
        {
          g_autoptr(JsonNode) node = tandem_project_to_json (project);
          g_autoptr(TandemProject) copy = tandem_project_new_from_json (node, &error);
          g_autofree char *a = tandem_project_to_string (project);
          g_autofree char *b = NULL;

          g_assert_no_error (error);
          b = tandem_project_to_string (copy);
          g_assert_cmpstr (a, ==, b);
          check_text_matches_tree (project);
        }
    }

  g_test_message ("%u valid ops (%u batches), %u invalid ops; %u tracks, %u patterns, %u clips now",
                  n_ops, batches, invalid,
                  n_items (tandem_project_get_tracks (project)),
                  n_items (tandem_project_get_patterns (project)),
                  n_items (tandem_project_get_clips (project)));

  for (guint i = inverses->len; i > 0; i--)
    {
      g_autoptr(GError) error = NULL;

      if (!tandem_project_apply (project, g_ptr_array_index (inverses, i - 1), NULL, &error))
        g_error ("inverse %u (seed %u) failed: %s", i - 1, seed, error->message);
    }
  final = tandem_project_to_string (project);
  g_assert_cmpstr (final, ==, original);
  g_rand_free (gen.rand);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/model/random-ops", test_random_ops);

  return g_test_run ();
}
