/* tandem-history-read.c — snapshots and journal segments, read back on demand
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-sync"

#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "tandem-history-read.h"
#include "tandem-journal.h"
#include "tandem-model.h"
#include "tandem-protocol.h"

#define SNAPSHOT_PREFIX "snapshot-"
#define SEGMENT_PREFIX  "journal-"
#define SEQ_DIGITS      20

/* The kept snapshots and segments, each list sorted by seq. */
typedef struct
{
  GArray *snapshots; /* guint64 */
  GArray *segments;  /* guint64: the seq each one ends at */
} Listing;

static void
listing_clear (Listing *l)
{
  g_clear_pointer (&l->snapshots, g_array_unref);
  g_clear_pointer (&l->segments, g_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Listing, listing_clear)

static int
compare_seq (gconstpointer a,
             gconstpointer b)
{
  guint64 x = *(const guint64 *) a, y = *(const guint64 *) b;

  return x < y ? -1 : x > y;
}

/* The seq in NAME = PREFIX + 20 digits + SUFFIX, or FALSE. */
static gboolean
parse_name (const char *name,
            const char *prefix,
            const char *suffix,
            guint64    *seq)
{
  gsize lp = strlen (prefix), ls = strlen (suffix);
  char digits[SEQ_DIGITS + 1];

  if (strlen (name) != lp + SEQ_DIGITS + ls || strncmp (name, prefix, lp) != 0
      || strcmp (name + lp + SEQ_DIGITS, suffix) != 0)
    return FALSE;
  memcpy (digits, name + lp, SEQ_DIGITS);
  digits[SEQ_DIGITS] = '\0';
  for (guint i = 0; i < SEQ_DIGITS; i++)
    if (!g_ascii_isdigit (digits[i]))
      return FALSE;
  *seq = g_ascii_strtoull (digits, NULL, 10);
  return TRUE;
}

static void
list_history (const char *dir,
              Listing    *out)
{
  g_autofree char *history = g_build_filename (dir, "history", NULL);
  g_autoptr(GDir) d = g_dir_open (history, 0, NULL);
  const char *name;

  out->snapshots = g_array_new (FALSE, FALSE, sizeof (guint64));
  out->segments = g_array_new (FALSE, FALSE, sizeof (guint64));
  while (d && (name = g_dir_read_name (d)))
    {
      guint64 seq;

      if (parse_name (name, SNAPSHOT_PREFIX, ".json", &seq))
        g_array_append_val (out->snapshots, seq);
      else if (parse_name (name, SEGMENT_PREFIX, ".log", &seq))
        g_array_append_val (out->segments, seq);
    }
  g_array_sort (out->snapshots, compare_seq);
  g_array_sort (out->segments, compare_seq);
}

static char *
snapshot_path (const char *dir,
               guint64     seq)
{
  g_autofree char *name = g_strdup_printf (SNAPSHOT_PREFIX "%020" G_GUINT64_FORMAT ".json", seq);

  return g_build_filename (dir, "history", name, NULL);
}

static char *
segment_path (const char *dir,
              guint64     seq)
{
  g_autofree char *name = g_strdup_printf (SEGMENT_PREFIX "%020" G_GUINT64_FORMAT ".log", seq);

  return g_build_filename (dir, "history", name, NULL);
}

static JsonNode *
read_snapshot (const char  *path,
               guint64     *seq,
               GError     **error)
{
  g_autoptr(GMappedFile) mapped = g_mapped_file_new (path, FALSE, error);
  g_autoptr(JsonNode) root = NULL;
  JsonObject *obj;
  JsonNode *seq_node;

  if (mapped == NULL)
    return NULL;
  root = tandem_json_parse_bounded (g_mapped_file_get_contents (mapped),
                                    g_mapped_file_get_length (mapped),
                                    &tandem_json_limits_session_file, error);
  if (root == NULL)
    return NULL;
  if (!JSON_NODE_HOLDS_OBJECT (root)
      || (seq_node = json_object_get_member (obj = json_node_get_object (root), "seq")) == NULL
      || json_node_get_value_type (seq_node) != G_TYPE_INT64
      || !json_object_has_member (obj, "project"))
    {
      g_set_error (error, TANDEM_SYNC_ERROR, TANDEM_SYNC_ERROR_JOURNAL,
                   "“%s” is not a Tandem snapshot", path);
      return NULL;
    }
  *seq = (guint64) json_node_get_int (seq_node);
  return g_steal_pointer (&root);
}

/* The seq of a batch record without parsing it all: the builder writes
 * "type" and then "seq" first. 0 when it is not a batch. */
static guint64
quick_seq (const char *text,
           gsize       length)
{
  static const char head[] = "{\"type\":\"batch\",\"seq\":";
  guint64 seq = 0;
  gsize i = sizeof head - 1;

  if (length <= i || memcmp (text, head, i) != 0)
    return 0;
  for (; i < length && g_ascii_isdigit (text[i]) && seq < G_MAXUINT64 / 10; i++)
    seq = seq * 10 + (guint64) (text[i] - '0');
  return seq;
}

/* Appends to @out (JsonObject, owned) the intact batch records of @path with
 * @after < seq ≤ @upto, in file order. A missing file reads as empty; a
 * torn or damaged line ends the file, as in recovery. */
static void
read_segment (const char *path,
              guint64     after,
              guint64     upto,
              GPtrArray  *out)
{
  g_autofree char *contents = NULL;
  gsize length = 0, pos = 0;

  if (!g_file_get_contents (path, &contents, &length, NULL))
    return;
  while (pos < length)
    {
      const char *line = contents + pos;
      const char *nl = memchr (line, '\n', length - pos);
      gsize n;
      guint64 seq;
      char crc_text[9];
      char *end = NULL;

      if (nl == NULL)
        break;
      n = nl - line;
      pos += n + 1;
      if (n < 10 || line[8] != ' ')
        break;
      memcpy (crc_text, line, 8);
      crc_text[8] = '\0';
      if (g_ascii_strtoull (crc_text, &end, 16) != tandem_crc32 (line + 9, n - 9)
          || end != crc_text + 8)
        break;
      seq = quick_seq (line + 9, n - 9);
      if (seq > after && seq <= upto)
        {
          const char *type = NULL;
          JsonObject *obj = tandem_message_parse_bounded (line + 9, n - 9,
                                                          &tandem_json_limits_journal_record,
                                                          &type, NULL);
          if (obj == NULL)
            break;
          g_ptr_array_add (out, obj);
        }
    }
}

/* Every batch with @after < seq ≤ @upto, each seq once and in order, from
 * the segments and the live journal; FALSE when some are missing. */
static gboolean
collect_records (const char *dir,
                 Listing    *l,
                 guint64     after,
                 guint64     upto,
                 GPtrArray  *out)
{
  g_autoptr(GPtrArray) raw = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  guint64 expected = after + 1;
  gboolean live = TRUE;

  for (guint i = 0; i < l->segments->len; i++)
    {
      guint64 end = g_array_index (l->segments, guint64, i);
      g_autofree char *path = NULL;

      if (end <= after)
        continue;
      path = segment_path (dir, end);
      read_segment (path, after, upto, raw);
      if (end >= upto)
        {
          live = FALSE;
          break;
        }
    }
  if (live)
    {
      g_autofree char *path = g_build_filename (dir, "journal.log", NULL);

      read_segment (path, after, upto, raw);
    }
  for (guint i = 0; i < raw->len; i++)
    {
      gint64 seq = json_object_get_int_member_with_default (raw->pdata[i], "seq", 0);

      if ((guint64) seq == expected)
        {
          g_ptr_array_add (out, json_object_ref (raw->pdata[i]));
          expected++;
        }
    }
  return expected == upto + 1;
}

guint64
tandem_history_oldest (const char  *dir,
                       GError     **error)
{
  g_auto(Listing) l = { 0 };
  g_autofree char *live = g_build_filename (dir, "snapshot.json", NULL);
  g_autoptr(JsonNode) snap = NULL;
  guint64 seq = 0;

  list_history (dir, &l);
  if (l.snapshots->len > 0)
    return g_array_index (l.snapshots, guint64, 0);
  /* A session from before history was kept: its history starts at its
   * snapshot. */
  snap = read_snapshot (live, &seq, error);
  return snap ? seq : G_MAXUINT64;
}

TandemOp *
tandem_history_batch_from_record (JsonObject  *obj,
                                  GError     **error)
{
  g_autoptr(TandemOp) batch = tandem_op_new_batch ();
  JsonNode *ops = json_object_get_member (obj, "ops");

  if (ops == NULL || !JSON_NODE_HOLDS_ARRAY (ops))
    {
      g_set_error (error, TANDEM_SYNC_ERROR, TANDEM_SYNC_ERROR_JOURNAL, "Malformed record");
      return NULL;
    }
  for (guint i = 0; i < json_array_get_length (json_node_get_array (ops)); i++)
    {
      TandemOp *op = tandem_op_from_json (json_array_get_element (json_node_get_array (ops), i),
                                          error);
      if (op == NULL)
        return NULL;
      tandem_op_batch_add (batch, op);
    }
  return g_steal_pointer (&batch);
}

static char *
project_at_once (const char  *dir,
                 guint64      seq,
                 gboolean    *retry,
                 GError     **error)
{
  g_auto(Listing) l = { 0 };
  g_autoptr(JsonNode) snap = NULL;
  g_autoptr(TandemProject) project = NULL;
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  g_autofree char *path = NULL;
  guint64 base = 0;
  int pick = -1;

  *retry = FALSE;
  list_history (dir, &l);
  for (guint i = 0; i < l.snapshots->len; i++)
    if (g_array_index (l.snapshots, guint64, i) <= seq)
      pick = i;
  if (pick >= 0)
    path = snapshot_path (dir, g_array_index (l.snapshots, guint64, pick));
  else if (l.snapshots->len > 0)
    {
      g_set_error (error, TANDEM_SYNC_ERROR, TANDEM_SYNC_ERROR_LIMIT,
                   TANDEM_CODE_HISTORY_GONE ": the history before seq %" G_GUINT64_FORMAT
                   " is no longer kept", g_array_index (l.snapshots, guint64, 0));
      return NULL;
    }
  else
    path = g_build_filename (dir, "snapshot.json", NULL);

  if ((snap = read_snapshot (path, &base, error)) == NULL)
    {
      /* Pruned or replaced between listing and reading. */
      *retry = TRUE;
      return NULL;
    }
  if (base > seq)
    {
      g_set_error (error, TANDEM_SYNC_ERROR, TANDEM_SYNC_ERROR_LIMIT,
                   TANDEM_CODE_HISTORY_GONE ": the history before seq %" G_GUINT64_FORMAT
                   " is no longer kept", base);
      return NULL;
    }
  project = tandem_project_new_from_json (json_object_get_member (json_node_get_object (snap),
                                                                  "project"), error);
  if (project == NULL)
    return NULL;
  if (!collect_records (dir, &l, base, seq, records))
    {
      /* A compaction may have moved the live journal meanwhile. */
      *retry = TRUE;
      g_set_error (error, TANDEM_SYNC_ERROR, TANDEM_SYNC_ERROR_JOURNAL,
                   "The journal does not reach seq %" G_GUINT64_FORMAT, seq);
      return NULL;
    }
  for (guint i = 0; i < records->len; i++)
    {
      g_autoptr(TandemOp) batch = tandem_history_batch_from_record (records->pdata[i], error);

      if (batch == NULL || !tandem_project_apply (project, batch, NULL, error))
        return NULL;
    }
  return tandem_project_to_string (project);
}

char *
tandem_history_project_at (const char  *dir,
                           guint64      seq,
                           guint64      head,
                           GError     **error)
{
  if (seq > head)
    {
      g_set_error (error, TANDEM_SYNC_ERROR, TANDEM_SYNC_ERROR_LIMIT,
                   "Seq %" G_GUINT64_FORMAT " is past the session's %" G_GUINT64_FORMAT,
                   seq, head);
      return NULL;
    }
  for (guint attempt = 0;; attempt++)
    {
      g_autoptr(GError) local_error = NULL;
      gboolean retry = FALSE;
      char *text = project_at_once (dir, seq, &retry, &local_error);

      if (text != NULL)
        return text;
      if (!retry || attempt >= 2)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
    }
}

char *
tandem_history_batches (const char  *dir,
                        guint64      after,
                        guint64      head,
                        guint        max,
                        GError     **error)
{
  guint64 upto = MIN (head, after + max);
  guint64 oldest = tandem_history_oldest (dir, error);

  if (oldest == G_MAXUINT64)
    return NULL;
  if (after < oldest)
    {
      g_set_error (error, TANDEM_SYNC_ERROR, TANDEM_SYNC_ERROR_LIMIT,
                   TANDEM_CODE_HISTORY_GONE ": the history before seq %" G_GUINT64_FORMAT
                   " is no longer kept", oldest);
      return NULL;
    }
  for (guint attempt = 0; attempt < 3; attempt++)
    {
      g_auto(Listing) l = { 0 };
      g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
      GString *out;

      list_history (dir, &l);
      if (!collect_records (dir, &l, after, upto, records))
        continue;
      out = g_string_new ("[");
      for (guint i = 0; i < records->len; i++)
        {
          g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
          g_autofree char *text = NULL;

          json_node_set_object (node, records->pdata[i]);
          text = json_to_string (node, FALSE);
          if (i > 0)
            g_string_append_c (out, ',');
          g_string_append (out, text);
        }
      g_string_append_c (out, ']');
      return g_string_free (out, FALSE);
    }
  g_set_error (error, TANDEM_SYNC_ERROR, TANDEM_SYNC_ERROR_JOURNAL,
               "The journal does not hold seqs %" G_GUINT64_FORMAT "–%" G_GUINT64_FORMAT,
               after + 1, upto);
  return NULL;
}

/* Counts the leaf ops of @ops by entity kind and cell edits by pattern. */
static void
count_ops (JsonArray  *ops,
           GHashTable *kinds,
           GHashTable *patterns,
           guint      *n_ops)
{
  for (guint i = 0; i < json_array_get_length (ops); i++)
    {
      JsonNode *node = json_array_get_element (ops, i);
      JsonObject *op;
      const char *kind;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      op = json_node_get_object (node);
      if (g_strcmp0 (json_object_get_string_member_with_default (op, "op", ""), "batch") == 0)
        {
          JsonNode *inner = json_object_get_member (op, "ops");

          if (inner && JSON_NODE_HOLDS_ARRAY (inner))
            count_ops (json_node_get_array (inner), kinds, patterns, n_ops);
          continue;
        }
      (*n_ops)++;
      kind = json_object_get_string_member_with_default (op, "kind", "");
      g_hash_table_insert (kinds, g_strdup (kind),
                           GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (kinds, kind)) + 1));
      if (g_str_equal (kind, "cell"))
        {
          const char *id = json_object_get_string_member_with_default (op, "id", "");

          g_hash_table_insert (patterns, g_strdup (id),
                               GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (patterns, id)) + 1));
        }
    }
}

typedef struct
{
  char       *client;
  gint64      minute;
  gint64      time;    /* of its newest batch */
  guint64     first;
  guint64     last;
  guint       edits;
  guint       ops;
  GHashTable *kinds;
  GHashTable *patterns;
} Group;

static void
group_free (Group *g)
{
  g_free (g->client);
  g_hash_table_unref (g->kinds);
  g_hash_table_unref (g->patterns);
  g_free (g);
}

static void
add_counts (JsonBuilder *b,
            const char  *member,
            GHashTable  *table,
            guint        max)
{
  GHashTableIter iter;
  gpointer key, value;
  guint n = 0;

  json_builder_set_member_name (b, member);
  json_builder_begin_object (b);
  g_hash_table_iter_init (&iter, table);
  while (g_hash_table_iter_next (&iter, &key, &value) && n++ < max)
    {
      json_builder_set_member_name (b, key);
      json_builder_add_int_value (b, GPOINTER_TO_UINT (value));
    }
  json_builder_end_object (b);
}

static void
add_group (JsonBuilder *b,
           Group       *g,
           GHashTable  *names)
{
  const char *name = names ? g_hash_table_lookup (names, g->client) : NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "client");
  json_builder_add_string_value (b, g->client);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, name ? name : "");
  json_builder_set_member_name (b, "minute");
  json_builder_add_int_value (b, g->minute);
  json_builder_set_member_name (b, "time");
  json_builder_add_int_value (b, g->time);
  json_builder_set_member_name (b, "first");
  json_builder_add_int_value (b, (gint64) g->first);
  json_builder_set_member_name (b, "last");
  json_builder_add_int_value (b, (gint64) g->last);
  json_builder_set_member_name (b, "edits");
  json_builder_add_int_value (b, g->edits);
  json_builder_set_member_name (b, "ops");
  json_builder_add_int_value (b, g->ops);
  /* Bounded: a batch names at most a handful of kinds, but any number of
   * patterns. */
  add_counts (b, "kinds", g->kinds, 8);
  add_counts (b, "patterns", g->patterns, 8);
  json_builder_end_object (b);
}

JsonNode *
tandem_history_summary (const char  *dir,
                        guint64      before,
                        guint64      head,
                        guint        max_groups,
                        guint        max_records,
                        GHashTable  *names,
                        GError     **error)
{
  g_auto(Listing) l = { 0 };
  g_autoptr(GPtrArray) groups = g_ptr_array_new_with_free_func ((GDestroyNotify) group_free);
  g_autoptr(JsonBuilder) b = json_builder_new ();
  guint64 oldest = tandem_history_oldest (dir, error);
  guint64 upto, lo, next = 0;
  guint n_records = 0;
  Group *cur = NULL;
  gboolean full = FALSE;

  if (oldest == G_MAXUINT64)
    return NULL;
  if (before == 0 || before > head + 1)
    before = head + 1;
  upto = before - 1;
  list_history (dir, &l);
  /* Newest first, one stretch between snapshots at a time. */
  while (upto > oldest && !full)
    {
      g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
      guint64 from = oldest;

      for (guint i = 0; i < l.segments->len; i++)
        if (g_array_index (l.segments, guint64, i) < upto)
          from = MAX (from, g_array_index (l.segments, guint64, i));
      lo = from;
      if (!collect_records (dir, &l, lo, upto, records))
        {
          g_set_error (error, TANDEM_SYNC_ERROR, TANDEM_SYNC_ERROR_JOURNAL,
                       "The journal does not hold seqs %" G_GUINT64_FORMAT "–%" G_GUINT64_FORMAT,
                       lo + 1, upto);
          return NULL;
        }
      for (guint i = records->len; i > 0; i--)
        {
          JsonObject *obj = records->pdata[i - 1];
          const char *client = json_object_get_string_member_with_default (obj, "client", "");
          gint64 time = json_object_get_int_member_with_default (obj, "time", 0);
          gint64 minute = time - time % 60000;
          guint64 seq = (guint64) json_object_get_int_member (obj, "seq");
          JsonNode *ops = json_object_get_member (obj, "ops");

          if (cur == NULL || g_strcmp0 (cur->client, client) != 0 || cur->minute != minute)
            {
              if (groups->len >= max_groups || n_records >= max_records)
                {
                  next = seq + 1;
                  full = TRUE;
                  break;
                }
              cur = g_new0 (Group, 1);
              cur->client = g_strdup (client);
              cur->minute = minute;
              cur->time = time;
              cur->last = seq;
              cur->kinds = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
              cur->patterns = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
              g_ptr_array_add (groups, cur);
            }
          cur->first = seq;
          cur->edits++;
          n_records++;
          if (ops && JSON_NODE_HOLDS_ARRAY (ops))
            count_ops (json_node_get_array (ops), cur->kinds, cur->patterns, &cur->ops);
        }
      upto = lo;
    }

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "oldest");
  json_builder_add_int_value (b, (gint64) oldest);
  json_builder_set_member_name (b, "groups");
  json_builder_begin_array (b);
  for (guint i = 0; i < groups->len; i++)
    add_group (b, groups->pdata[i], names);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "next");
  json_builder_add_int_value (b, (gint64) next);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

static guint64
file_size (const char *path,
           gint64     *mtime)
{
  GStatBuf st;

  if (g_stat (path, &st) != 0)
    return 0;
  if (mtime)
    *mtime = st.st_mtime;
  return st.st_size;
}

guint
tandem_history_prune (const char *dir,
                      guint64     max_bytes,
                      gint64      max_age_s)
{
  g_auto(Listing) l = { 0 };
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  guint64 total = 0;
  guint removed = 0;
  guint s = 0;

  if (max_bytes == 0 && max_age_s <= 0)
    return 0;
  list_history (dir, &l);
  for (guint i = 0; i < l.snapshots->len; i++)
    {
      g_autofree char *p = snapshot_path (dir, g_array_index (l.snapshots, guint64, i));
      total += file_size (p, NULL);
    }
  for (guint i = 0; i < l.segments->len; i++)
    {
      g_autofree char *p = segment_path (dir, g_array_index (l.segments, guint64, i));
      total += file_size (p, NULL);
    }

  /* One step: the oldest snapshot and the segments up to the next one,
   * which then becomes the oldest state that can be rebuilt. */
  while (s + 1 < l.snapshots->len)
    {
      guint64 next = g_array_index (l.snapshots, guint64, s + 1);
      g_autofree char *snap = snapshot_path (dir, g_array_index (l.snapshots, guint64, s));
      gint64 mtime = now;
      guint64 step_bytes = file_size (snap, NULL);
      gboolean old;

      for (guint i = 0; i < l.segments->len; i++)
        if (g_array_index (l.segments, guint64, i) <= next)
          {
            g_autofree char *p = segment_path (dir, g_array_index (l.segments, guint64, i));
            gint64 t = now;

            step_bytes += file_size (p, &t);
            mtime = MIN (mtime, t);
          }
      /* A segment's time is that of its newest record. */
      old = max_age_s > 0 && now - mtime > max_age_s;
      if (!old && (max_bytes == 0 || total <= max_bytes))
        break;
      for (guint i = 0; i < l.segments->len;)
        if (g_array_index (l.segments, guint64, i) <= next)
          {
            g_autofree char *p = segment_path (dir, g_array_index (l.segments, guint64, i));

            if (g_unlink (p) == 0)
              removed++;
            g_array_remove_index (l.segments, i);
          }
        else
          i++;
      if (g_unlink (snap) == 0)
        removed++;
      total -= MIN (total, step_bytes);
      s++;
    }
  if (removed > 0)
    g_debug ("History of “%s”: removed %u old file(s)", dir, removed);
  return removed;
}
