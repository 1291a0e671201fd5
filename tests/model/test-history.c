/* test-history.c — undo, redo, groups and their signals
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-history"

#include "config.h"

#include "test-model-util.h"

typedef struct
{
  guint      can_undo_notifies;
  guint      can_redo_notifies;
  guint      applied;
  GPtrArray *ops;       /* ::applied ops, as text */
  GPtrArray *inverses;  /* ::applied inverses, as text */
} Spy;

static void
on_notify (GObject    *object,
           GParamSpec *pspec,
           Spy        *spy)
{
  if (g_str_equal (pspec->name, "can-undo"))
    spy->can_undo_notifies++;
  else
    spy->can_redo_notifies++;
}

static void
on_applied (TandemHistory *history,
            TandemOp      *op,
            TandemOp      *inverse,
            Spy           *spy)
{
  spy->applied++;
  g_ptr_array_add (spy->ops, tandem_op_to_string (op));
  g_ptr_array_add (spy->inverses, tandem_op_to_string (inverse));
}

static TandemHistory *
history_with_spy (TandemProject *project,
                  Spy           *spy)
{
  TandemHistory *history = tandem_history_new (project);

  spy->ops = g_ptr_array_new_with_free_func (g_free);
  spy->inverses = g_ptr_array_new_with_free_func (g_free);
  g_signal_connect (history, "notify::can-undo", G_CALLBACK (on_notify), spy);
  g_signal_connect (history, "notify::can-redo", G_CALLBACK (on_notify), spy);
  g_signal_connect (history, "applied", G_CALLBACK (on_applied), spy);
  return history;
}

static void
spy_clear (Spy *spy)
{
  g_ptr_array_unref (spy->ops);
  g_ptr_array_unref (spy->inverses);
}

static void
test_undo_redo (void)
{
  g_autoptr(TandemProject) project = tandem_project_new_demo ();
  Spy spy = { 0 };
  g_autoptr(TandemHistory) history = history_with_spy (project, &spy);
  g_autofree char *s0 = tandem_project_to_string (project);
  g_autofree char *s1 = NULL;
  g_autofree char *s2 = NULL;
  g_autofree char *now = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(TandemOp) tempo = tandem_op_new_set_double (TANDEM_ENTITY_PROJECT, NULL, "tempo", 140);
  g_autoptr(TandemOp) del = tandem_op_new_delete (TANDEM_ENTITY_TRACK,
                                                  tandem_track_get_id (nth_track (project, 0)));
  g_autoptr(TandemOp) bad = tandem_op_new_set_double (TANDEM_ENTITY_PROJECT, NULL, "tempo", 1000);

  g_assert_true (tandem_history_get_project (history) == project);
  g_assert_false (tandem_history_can_undo (history));
  g_assert_false (tandem_history_can_redo (history));

  g_assert_true (tandem_history_apply (history, tempo, &error));
  g_assert_no_error (error);
  s1 = tandem_project_to_string (project);
  g_assert_true (tandem_history_can_undo (history));
  g_assert_cmpuint (spy.can_undo_notifies, ==, 1);
  g_assert_cmpuint (spy.applied, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (spy.inverses, 0), ==,
                   "{\"op\":\"set\",\"kind\":\"project\",\"prop\":\"tempo\",\"value\":104.0}");

  g_assert_true (tandem_history_apply (history, del, &error));
  s2 = tandem_project_to_string (project);
  g_assert_cmpuint (spy.can_undo_notifies, ==, 1); /* still TRUE: no notify */

  /* A failed edit records nothing and says nothing. */
  g_assert_false (tandem_history_apply (history, bad, &error));
  g_assert_error (error, TANDEM_MODEL_ERROR, TANDEM_MODEL_ERROR_OUT_OF_RANGE);
  g_clear_error (&error);
  g_assert_cmpuint (spy.applied, ==, 2);

  g_assert_true (tandem_history_undo (history, &error));
  now = tandem_project_to_string (project);
  g_assert_cmpstr (now, ==, s1);
  g_assert_true (tandem_history_can_redo (history));
  g_assert_cmpuint (spy.can_redo_notifies, ==, 1);
  g_assert_cmpuint (spy.applied, ==, 3);
  /* ::applied carries the op that ran (the insert undoing the delete) */
  g_assert_true (g_str_has_prefix (g_ptr_array_index (spy.ops, 2), "{\"op\":\"insert\""));
  g_assert_true (g_str_has_prefix (g_ptr_array_index (spy.inverses, 2), "{\"op\":\"delete\""));

  g_assert_true (tandem_history_undo (history, &error));
  g_clear_pointer (&now, g_free);
  now = tandem_project_to_string (project);
  g_assert_cmpstr (now, ==, s0);
  g_assert_false (tandem_history_can_undo (history));
  g_assert_cmpuint (spy.can_undo_notifies, ==, 2);

  g_assert_true (tandem_history_redo (history, &error));
  g_assert_true (tandem_history_redo (history, &error));
  g_clear_pointer (&now, g_free);
  now = tandem_project_to_string (project);
  g_assert_cmpstr (now, ==, s2);
  g_assert_false (tandem_history_can_redo (history));

  /* A new edit after an undo drops the redo steps. */
  g_assert_true (tandem_history_undo (history, &error));
  g_assert_true (tandem_history_can_redo (history));
  g_assert_true (tandem_history_apply (history, tempo, &error));
  g_assert_false (tandem_history_can_redo (history));

  tandem_history_clear (history);
  g_assert_false (tandem_history_can_undo (history));
  g_assert_false (tandem_history_can_redo (history));
  spy_clear (&spy);
}

static void
test_groups (void)
{
  g_autoptr(TandemProject) project = tandem_project_new_demo ();
  Spy spy = { 0 };
  g_autoptr(TandemHistory) history = history_with_spy (project, &spy);
  g_autofree char *s0 = tandem_project_to_string (project);
  g_autofree char *s1 = NULL;
  g_autofree char *now = NULL;
  g_autoptr(GError) error = NULL;
  const char *tid = tandem_track_get_id (nth_track (project, 2));
  const char *pid = tandem_pattern_get_id (nth_pattern (project, 0));

  /* A fader drag: many sets, one undo step; nested groups join the outer one. */
  tandem_history_begin_group (history);
  for (int v = 0; v > -20; v--)
    {
      g_autoptr(TandemOp) op = tandem_op_new_set_double (TANDEM_ENTITY_TRACK, tid, "volume", v);
      g_assert_true (tandem_history_apply (history, op, &error));
    }
  tandem_history_begin_group (history);
  for (guint s = 0; s < 16; s++)
    {
      g_autoptr(TandemOp) op = tandem_op_new_set_cell (pid, tid, s, "velocity", 100);
      g_assert_true (tandem_history_apply (history, op, &error));
    }
  tandem_history_end_group (history);
  g_assert_false (tandem_history_can_undo (history)); /* not closed yet */
  tandem_history_end_group (history);
  g_assert_true (tandem_history_can_undo (history));
  g_assert_cmpuint (spy.can_undo_notifies, ==, 1);
  g_assert_cmpuint (spy.applied, ==, 36);
  s1 = tandem_project_to_string (project);

  g_assert_true (tandem_history_undo (history, &error));
  g_assert_no_error (error);
  now = tandem_project_to_string (project);
  g_assert_cmpstr (now, ==, s0);
  g_assert_false (tandem_history_can_undo (history));
  g_assert_true (g_str_has_prefix (g_ptr_array_index (spy.ops, 36), "{\"op\":\"batch\""));

  g_assert_true (tandem_history_redo (history, &error));
  g_clear_pointer (&now, g_free);
  now = tandem_project_to_string (project);
  g_assert_cmpstr (now, ==, s1);

  /* An empty group records nothing. */
  tandem_history_begin_group (history);
  tandem_history_end_group (history);
  g_assert_true (tandem_history_undo (history, &error));
  g_assert_false (tandem_history_can_undo (history));
  spy_clear (&spy);
}

static void
test_undo_after_remote_delete (void)
{
  g_autoptr(TandemProject) project = tandem_project_new_demo ();
  Spy spy = { 0 };
  g_autoptr(TandemHistory) history = history_with_spy (project, &spy);
  g_autofree char *tid = g_strdup (tandem_track_get_id (nth_track (project, 0)));
  g_autoptr(TandemOp) vol = tandem_op_new_set_double (TANDEM_ENTITY_TRACK, tid, "volume", -9);
  g_autoptr(TandemOp) tempo = tandem_op_new_set_double (TANDEM_ENTITY_PROJECT, NULL, "tempo", 90);
  g_autoptr(TandemOp) remote = tandem_op_new_delete (TANDEM_ENTITY_TRACK, tid);
  g_autoptr(GError) error = NULL;

  g_assert_true (tandem_history_apply (history, tempo, &error));
  g_assert_true (tandem_history_apply (history, vol, &error));
  /* Someone else deletes the track, not through our history. */
  g_assert_true (tandem_project_apply (project, remote, NULL, &error));

  g_assert_false (tandem_history_undo (history, &error));
  g_assert_error (error, TANDEM_MODEL_ERROR, TANDEM_MODEL_ERROR_UNKNOWN_ENTITY);
  g_clear_error (&error);
  /* the dead step is gone; the one before still undoes */
  g_assert_true (tandem_history_can_undo (history));
  g_assert_true (tandem_history_undo (history, &error));
  g_assert_no_error (error);
  g_assert_cmpfloat (tandem_project_get_tempo (project), ==, 104);
  spy_clear (&spy);
}

/* What a project opened from a file keeps offline: each op applied, with
 * when, written out and read back in order. */
static void
test_log_round_trip (void)
{
  g_autoptr(TandemProject) project = tandem_project_new_demo ();
  g_autoptr(TandemHistory) history = tandem_history_new (project);
  g_autoptr(TandemHistory) reread = tandem_history_new (project);
  g_autoptr(TandemOp) tempo = tandem_op_new_set_double (TANDEM_ENTITY_PROJECT, NULL, "tempo", 90);
  g_autoptr(TandemOp) tempo2 = tandem_op_new_set_double (TANDEM_ENTITY_PROJECT, NULL, "tempo", 95);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *again = NULL;
  gint64 before = g_get_real_time () / 1000;
  gint64 time = 0;

  g_assert_true (tandem_history_apply (history, tempo, &error));
  g_assert_true (tandem_history_apply (history, tempo2, &error));
  g_assert_true (tandem_history_undo (history, &error));
  g_assert_cmpuint (tandem_history_get_log_length (history), ==, 3);

  text = tandem_history_log_to_string (history);
  g_assert_true (tandem_history_load_log (reread, text, strlen (text), &error));
  g_assert_no_error (error);
  g_assert_cmpuint (tandem_history_get_log_length (reread), ==, 3);
  again = tandem_history_log_to_string (reread);
  g_assert_cmpstr (again, ==, text);
  {
    g_autofree char *first = tandem_op_to_string (tandem_history_get_log_entry (reread, 0, &time));
    g_autofree char *expected = tandem_op_to_string (tempo);

    g_assert_cmpstr (first, ==, expected);
    g_assert_cmpint (time, >=, before);
  }
  /* The version after each edit, from the reread log. */
  {
    g_autoptr(TandemProject) at0 = tandem_history_log_project_at (reread, 0, &error);
    g_autoptr(TandemProject) at1 = tandem_history_log_project_at (reread, 1, &error);
    g_autoptr(TandemProject) at2 = tandem_history_log_project_at (reread, 2, &error);

    g_assert_no_error (error);
    g_assert_cmpfloat (tandem_project_get_tempo (at0), ==, 90);
    g_assert_cmpfloat (tandem_project_get_tempo (at1), ==, 95);
    g_assert_cmpfloat (tandem_project_get_tempo (at2), ==, 90);
    g_assert_cmpfloat (tandem_project_get_tempo (project), ==, 90);
  }
}

/* Bounded: the oldest entries go beyond the cap. */
static void
test_log_cap (void)
{
  g_autoptr(TandemProject) project = tandem_project_new_demo ();
  g_autoptr(TandemHistory) history = tandem_history_new (project);
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < 5100; i++)
    {
      g_autoptr(TandemOp) op = tandem_op_new_set_double (TANDEM_ENTITY_PROJECT, NULL, "tempo",
                                                         60 + i % 100);

      g_assert_true (tandem_history_apply (history, op, &error));
    }
  g_assert_cmpuint (tandem_history_get_log_length (history), ==, 5000);
}

/* A hostile or broken log file: a clear error, and the log as it was. */
static void
test_log_hostile (void)
{
  static const char *bad[] = {
    "",
    "[]",
    "{\"version\":2,\"entries\":[]}",
    "{\"version\":[]}",
    "{\"version\":\"1\",\"entries\":[]}",
    "{\"version\":1,\"entries\":[{\"time\":[],\"op\":{}}]}",
    "{\"version\":1}",
    "{\"version\":1,\"entries\":[1]}",
    "{\"version\":1,\"entries\":[{\"time\":\"x\",\"op\":{}}]}",
    "{\"version\":1,\"entries\":[{\"time\":-5,\"op\":{}}]}",
    "{\"version\":1,\"entries\":[{\"time\":5}]}",
    "{\"version\":1,\"entries\":[{\"time\":5,\"op\":{\"op\":\"nope\"},\"inverse\":{}}]}",
    "{\"version\":1,\"entries\":[{\"time\":5,\"op\":",
  };
  g_autoptr(TandemProject) project = tandem_project_new_demo ();
  g_autoptr(TandemHistory) history = tandem_history_new (project);
  g_autoptr(TandemOp) tempo = tandem_op_new_set_double (TANDEM_ENTITY_PROJECT, NULL, "tempo", 90);
  g_autoptr(GError) error = NULL;

  g_assert_true (tandem_history_apply (history, tempo, &error));
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_assert_false (tandem_history_load_log (history, bad[i], strlen (bad[i]), &error));
      g_assert_nonnull (error);
      g_assert_cmpstr (error->message, !=, "");
      g_clear_error (&error);
      g_assert_cmpuint (tandem_history_get_log_length (history), ==, 1);
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/model/history/undo-redo", test_undo_redo);
  g_test_add_func ("/model/history/groups", test_groups);
  g_test_add_func ("/model/history/undo-after-remote-delete", test_undo_after_remote_delete);

  g_test_add_func ("/model/history/log-round-trip", test_log_round_trip);
  g_test_add_func ("/model/history/log-cap", test_log_cap);
  g_test_add_func ("/model/history/log-hostile", test_log_hostile);

  return g_test_run ();
}
