/* test-transport.c — a preview takes over the beat that is playing
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "tandem-transport.h"

#define T0 (10 * G_USEC_PER_SEC)

static void
apply (TandemProject *project,
       TandemOp      *op)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (tandem_project_apply (project, op, NULL, &error));
  g_assert_no_error (error);
  tandem_op_unref (op);
}

/* 120 BPM, four steps a beat: a step is 125 ms; step 0 began at T0. */
static TandemProject *
new_leader (gboolean playing)
{
  TandemProject *leader = tandem_project_new_demo ();
  TandemOp *batch = tandem_op_new_batch ();

  tandem_op_batch_add (batch, tandem_op_new_set_double (TANDEM_ENTITY_PROJECT, NULL, "tempo", 120));
  tandem_op_batch_add (batch, tandem_op_new_set_int (TANDEM_ENTITY_PROJECT, NULL, "steps-per-beat", 4));
  tandem_op_batch_add (batch, tandem_op_new_set_int (TANDEM_ENTITY_PROJECT, NULL, "anchor-time", T0));
  tandem_op_batch_add (batch, tandem_op_new_set_int (TANDEM_ENTITY_PROJECT, NULL, "anchor-step", 0));
  tandem_op_batch_add (batch, tandem_op_new_set_boolean (TANDEM_ENTITY_PROJECT, NULL, "playing", playing));
  apply (leader, batch);
  return leader;
}

static TandemProject *
new_preview (void)
{
  TandemProject *preview = tandem_project_new_demo ();

  /* An older version, at another tempo, saved while it was playing long ago:
   * its own anchor must not be what it plays from. */
  apply (preview, tandem_op_new_set_double (TANDEM_ENTITY_PROJECT, NULL, "tempo", 90));
  apply (preview, tandem_op_new_set_int (TANDEM_ENTITY_PROJECT, NULL, "anchor-time", 1));
  apply (preview, tandem_op_new_set_boolean (TANDEM_ENTITY_PROJECT, NULL, "playing", TRUE));
  return preview;
}

/* Mid-bar, the preview joins on the leader's next step, where the leader
 * would have played it, and goes on at its own tempo. */
static void
test_follow_playing (void)
{
  g_autoptr(TandemProject) leader = new_leader (TRUE);
  g_autoptr(TandemProject) preview = new_preview ();
  gint64 now = T0 + 1030 * G_TIME_SPAN_MILLISECOND;

  apply (preview, tandem_transport_op_follow (preview, leader, now));

  g_assert_true (tandem_project_get_playing (preview));
  /* 1.03 s + the margin is 8.56 steps in: step 9, at 1.125 s. */
  g_assert_cmpuint (tandem_project_get_anchor_step (preview), ==, 9);
  g_assert_cmpuint (tandem_project_get_anchor_time (preview), ==, T0 + 1125 * G_TIME_SPAN_MILLISECOND);
  g_assert_cmpfloat (tandem_transport_step_begins_at (preview, 9), ==,
                     tandem_transport_step_begins_at (leader, 9));
  g_assert_cmpfloat (tandem_project_get_tempo (preview), ==, 90);
  g_assert_cmpint ((gint64) tandem_project_get_anchor_time (preview), >, now);
}

/* During the leader's count-in the preview starts with it, on its anchor. */
static void
test_follow_count_in (void)
{
  g_autoptr(TandemProject) leader = new_leader (TRUE);
  g_autoptr(TandemProject) preview = new_preview ();

  apply (preview, tandem_transport_op_follow (preview, leader, T0 - G_USEC_PER_SEC));

  g_assert_true (tandem_project_get_playing (preview));
  g_assert_cmpuint (tandem_project_get_anchor_step (preview), ==, 0);
  g_assert_cmpuint (tandem_project_get_anchor_time (preview), ==, T0);
}

/* A stopped leader stops the preview, whatever the version was doing. */
static void
test_follow_stopped (void)
{
  g_autoptr(TandemProject) leader = new_leader (FALSE);
  g_autoptr(TandemProject) preview = new_preview ();

  apply (preview, tandem_transport_op_follow (preview, leader, T0 + G_USEC_PER_SEC));

  g_assert_false (tandem_project_get_playing (preview));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/transport/follow/playing", test_follow_playing);
  g_test_add_func ("/transport/follow/count-in", test_follow_count_in);
  g_test_add_func ("/transport/follow/stopped", test_follow_stopped);

  return g_test_run ();
}
