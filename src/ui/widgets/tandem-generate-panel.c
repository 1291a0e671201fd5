/* tandem-generate-panel.c — the Generate panel: its controls become ops
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-ui"

#include "config.h"

#include <glib/gi18n.h>

#include "tandem-evolution-driver.h"
#include "tandem-rhythm-stream.h"
#include "widgets/tandem-circle-view.h"
#include "widgets/tandem-generate-panel.h"

struct _TandemGeneratePanel
{
  GtkWidget              parent_instance;

  TandemProject         *project;
  TandemHistory         *history;
  TandemSyncClient      *client;
  TandemGridView        *grid;
  GSignalGroup          *project_signals;
  TandemEvolutionDriver *driver;
  TandemRhythmStream    *stream;
  char                  *local_author;
  guint                  finish_id;

  /* Template children */
  GtkWidget             *box;
  TandemCircleView      *circle;
  GtkDropDown           *kind_dropdown;
  GtkSpinButton         *a_spin, *b_spin, *c_spin;
  GtkLabel              *rhythm_label;
  GtkToggleButton       *preview_button;
  GtkButton             *apply_button, *melody_button, *stream_button, *stop_button;
  GtkSpinButton         *variations_spin;
  GtkProgressBar        *stream_progress;
  GtkSpinButton         *degree_spin, *count_spin;
  GtkCheckButton        *sevenths_check;
  GtkButton             *progression_button;
  GtkDropDown           *harmony_dropdown, *arp_dropdown;
  GtkSpinButton         *arp_rate_spin;
  gboolean               updating_voice;
  GtkDropDown           *rule_dropdown;
  GtkSpinButton         *amount_spin, *every_spin, *steps_spin;
  GtkCheckButton        *loop_check;
  GtkButton             *evolve_button, *keep_button, *revert_button;
  GtkLabel              *evolve_label;
};

G_DEFINE_FINAL_TYPE (TandemGeneratePanel, tandem_generate_panel, GTK_TYPE_WIDGET)

enum { KIND_RESULTANT, KIND_RESULTANT3, KIND_FRACTIONING, KIND_EUCLID };

static TandemPattern *
current_pattern (TandemGeneratePanel *self)
{
  TandemPattern *p;

  if (self->project == NULL)
    return NULL;
  /* The pattern this window edits, which need not be the one playing. */
  if (self->grid != NULL && (p = tandem_grid_view_get_pattern (self->grid)) != NULL &&
      tandem_grid_view_get_project (self->grid) == self->project)
    return p;
  p = tandem_project_find_pattern (self->project,
                                   tandem_project_get_current_pattern (self->project));
  if (p == NULL && g_list_model_get_n_items (tandem_project_get_patterns (self->project)) > 0)
    {
      g_autoptr(TandemPattern) first =
        g_list_model_get_item (tandem_project_get_patterns (self->project), 0);

      p = first;
    }
  return p;
}

static const char *
current_track (TandemGeneratePanel *self)
{
  const char *id = self->grid != NULL ? tandem_grid_view_get_selected_track (self->grid) : NULL;

  if (id == NULL && self->project != NULL
      && g_list_model_get_n_items (tandem_project_get_tracks (self->project)) > 0)
    {
      g_autoptr(TandemTrack) first =
        g_list_model_get_item (tandem_project_get_tracks (self->project), 0);

      id = tandem_track_get_id (first);
    }
  return id;
}

static guint
spin (GtkSpinButton *s)
{
  return (guint) gtk_spin_button_get_value_as_int (s);
}

gboolean
tandem_generate_panel_get_rhythm (TandemGeneratePanel *self,
                                  TandemRhythm        *rhythm)
{
  guint a = spin (self->a_spin), b = spin (self->b_spin), c = spin (self->c_spin);

  switch (gtk_drop_down_get_selected (self->kind_dropdown))
    {
    case KIND_RESULTANT:
      return tandem_rhythm_resultant (rhythm, a, b, 0, NULL);
    case KIND_RESULTANT3:
      return tandem_rhythm_resultant (rhythm, a, b, MAX (c, 1), NULL);
    case KIND_FRACTIONING:
      return tandem_rhythm_fractioning (rhythm, a, b, NULL);
    case KIND_EUCLID:
    default:
      return tandem_rhythm_euclid (rhythm, a, b, c, NULL);
    }
}

static void
update_preview (TandemGeneratePanel *self)
{
  g_autofree TandemRhythm *r = g_new (TandemRhythm, 1);
  gboolean ok = tandem_generate_panel_get_rhythm (self, r);

  if (ok)
    {
      g_autofree char *d = tandem_rhythm_to_durations_string (r);
      g_autofree char *g = r->period <= 64 ? tandem_rhythm_to_grid_string (r) : g_strdup ("");
      g_autofree char *text = g_strdup_printf ("%s  (%u)\n%s", d, r->period, g);

      gtk_label_set_text (self->rhythm_label, text);
    }
  else
    gtk_label_set_text (self->rhythm_label, _("No such rhythm"));
  gtk_widget_set_sensitive (GTK_WIDGET (self->apply_button), ok);
  gtk_widget_set_sensitive (GTK_WIDGET (self->melody_button), ok);
  gtk_widget_set_sensitive (GTK_WIDGET (self->stream_button), ok && self->stream == NULL);

  if (self->grid == NULL)
    return;
  if (ok && gtk_toggle_button_get_active (self->preview_button) && current_track (self) != NULL)
    {
      guint8 onsets[TANDEM_MAX_STEPS];

      for (guint s = 0; s < TANDEM_MAX_STEPS; s++)
        onsets[s] = r->onset[s % r->period];
      tandem_grid_view_set_ghost (self->grid, current_track (self), onsets);
    }
  else
    tandem_grid_view_set_ghost (self->grid, NULL, NULL);
}

static void
submit (TandemGeneratePanel *self,
        TandemOp            *op)
{
  g_autoptr(GError) error = NULL;

  if (self->history == NULL || op == NULL)
    return;
  if (!tandem_history_apply (self->history, op, &error))
    g_warning ("Could not apply the generated edit: %s", error->message);
}

static void
on_apply (TandemGeneratePanel *self)
{
  TandemRhythm r;
  TandemPattern *pattern = current_pattern (self);
  const char *track = current_track (self);
  g_autoptr(TandemOp) op = NULL;

  if (pattern == NULL || track == NULL || !tandem_generate_panel_get_rhythm (self, &r))
    return;
  op = tandem_generate_op_rhythm (self->project, pattern, track, &r);
  submit (self, op);
}

static void
on_melody (TandemGeneratePanel *self)
{
  TandemRhythm r;
  TandemPattern *pattern = current_pattern (self);
  const char *track = current_track (self);
  g_autoptr(TandemOp) op = NULL;

  if (pattern == NULL || track == NULL || !tandem_generate_panel_get_rhythm (self, &r))
    return;
  op = tandem_generate_op_melody (self->project, pattern, track, &r,
                                  tandem_project_get_seed (self->project));
  submit (self, op);
}

static void
on_progression (TandemGeneratePanel *self)
{
  TandemPattern *pattern = current_pattern (self);
  g_autofree char *lane = NULL;
  g_autoptr(TandemOp) op = NULL;

  if (pattern == NULL)
    return;
  lane = tandem_progression_by_fifths (tandem_project_get_scale (self->project),
                                       spin (self->degree_spin) - 1, -1, spin (self->count_spin),
                                       gtk_check_button_get_active (self->sevenths_check));
  op = tandem_op_new_set_string (TANDEM_ENTITY_PATTERN, tandem_pattern_get_id (pattern), "chords",
                                 lane);
  submit (self, op);
}

static void
stream_finished (TandemGeneratePanel *self)
{
  g_clear_handle_id (&self->finish_id, g_source_remove);
  g_clear_pointer (&self->stream, tandem_rhythm_stream_free);
  gtk_widget_set_sensitive (GTK_WIDGET (self->stop_button), FALSE);
  update_preview (self);
}

static void
on_finish_idle (gpointer data)
{
  TandemGeneratePanel *self = data;

  self->finish_id = 0;
  stream_finished (self);
}

static void
on_stream_progress (TandemRhythmStream *stream,
                    guint               done,
                    guint               total,
                    gpointer            data)
{
  TandemGeneratePanel *self = data;
  g_autofree char *text = g_strdup_printf (_("Variation %u of %u"), done, total);

  gtk_progress_bar_set_fraction (self->stream_progress, total > 0 ? (double) done / total : 0);
  gtk_progress_bar_set_text (self->stream_progress, text);
  /* Not from inside the stream's own callback: finishing frees it. */
  if (done >= total && self->finish_id == 0)
    self->finish_id = g_idle_add_once (on_finish_idle, self);
}

static void
on_stream (TandemGeneratePanel *self)
{
  TandemRhythm r;
  TandemPattern *pattern = current_pattern (self);
  const char *track = current_track (self);

  if (pattern == NULL || track == NULL || self->stream != NULL
      || !tandem_generate_panel_get_rhythm (self, &r))
    return;
  self->stream = tandem_rhythm_stream_new (self->project, self->client,
                                           tandem_pattern_get_id (pattern), track, &r,
                                           spin (self->variations_spin), 1, on_stream_progress,
                                           self);
  gtk_progress_bar_set_fraction (self->stream_progress, 0);
  gtk_progress_bar_set_text (self->stream_progress, _("Waiting for the next bar…"));
  gtk_widget_set_sensitive (GTK_WIDGET (self->stop_button), TRUE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->stream_button), FALSE);
}

static void
on_stop (TandemGeneratePanel *self)
{
  g_autofree char *text = NULL;

  if (self->stream == NULL)
    return;
  tandem_rhythm_stream_stop (self->stream);
  text = g_strdup_printf (_("Stopped after %u variations"),
                          tandem_rhythm_stream_get_n_done (self->stream));
  gtk_progress_bar_set_text (self->stream_progress, text);
  stream_finished (self);
}

/* The selected track's voice in the controls. */
static void
update_voice (TandemGeneratePanel *self)
{
  const char *id = current_track (self);
  TandemTrack *track = id != NULL && self->project != NULL
                       ? tandem_project_find_track (self->project, id) : NULL;

  self->updating_voice = TRUE;
  gtk_widget_set_sensitive (GTK_WIDGET (self->harmony_dropdown), track != NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (self->arp_dropdown), track != NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (self->arp_rate_spin), track != NULL);
  if (track != NULL)
    {
      gtk_drop_down_set_selected (self->harmony_dropdown, tandem_track_get_harmony (track));
      gtk_drop_down_set_selected (self->arp_dropdown, tandem_track_get_arp (track));
      gtk_spin_button_set_value (self->arp_rate_spin, tandem_track_get_arp_rate (track));
    }
  self->updating_voice = FALSE;
}

static void
on_voice_changed (TandemGeneratePanel *self)
{
  const char *id = current_track (self);
  TandemTrack *track = id != NULL && self->project != NULL
                       ? tandem_project_find_track (self->project, id) : NULL;
  g_autoptr(TandemOp) batch = NULL;
  guint harmony, arp, rate;

  if (self->updating_voice || track == NULL)
    return;
  harmony = gtk_drop_down_get_selected (self->harmony_dropdown);
  arp = gtk_drop_down_get_selected (self->arp_dropdown);
  rate = spin (self->arp_rate_spin);
  batch = tandem_op_new_batch ();
  if (harmony != (guint) tandem_track_get_harmony (track))
    tandem_op_batch_add (batch, tandem_op_new_set_string (TANDEM_ENTITY_TRACK, id, "harmony",
                                                          tandem_music_enum_to_string (
                                                            TANDEM_TYPE_HARMONY_MODE, harmony)));
  if (arp != (guint) tandem_track_get_arp (track))
    tandem_op_batch_add (batch, tandem_op_new_set_string (TANDEM_ENTITY_TRACK, id, "arp",
                                                          tandem_music_enum_to_string (
                                                            TANDEM_TYPE_ARP, arp)));
  if (rate != tandem_track_get_arp_rate (track))
    tandem_op_batch_add (batch, tandem_op_new_set_int (TANDEM_ENTITY_TRACK, id, "arp-rate", rate));
  if (tandem_op_batch_get_n_ops (batch) > 0)
    submit (self, batch);
}

static const char *
author (TandemGeneratePanel *self)
{
  return self->driver != NULL ? tandem_evolution_driver_get_author (self->driver)
                              : self->local_author;
}

static void
update_evolution (TandemGeneratePanel *self)
{
  TandemPattern *pattern = current_pattern (self);
  g_autofree char *text = NULL;
  TandemEvolution ev;

  if (pattern == NULL)
    {
      gtk_label_set_text (self->evolve_label, "");
      return;
    }
  tandem_pattern_get_evolution (pattern, &ev);
  switch (ev.state)
    {
    case TANDEM_EVOLVE_RUNNING:
      text = g_strdup_printf (_("Evolving, step %u of %u"), ev.step, ev.steps);
      gtk_button_set_label (self->evolve_button, _("_Pause"));
      break;
    case TANDEM_EVOLVE_PAUSED:
      text = g_strdup_printf (_("Paused at step %u of %u: anyone may resume"), ev.step, ev.steps);
      gtk_button_set_label (self->evolve_button, _("_Resume"));
      break;
    case TANDEM_EVOLVE_OFF:
    default:
      text = *ev.origin != '\0' ? g_strdup_printf (_("Finished at step %u: keep or revert"), ev.step)
                                : g_strdup (_("Not evolving"));
      gtk_button_set_label (self->evolve_button, _("_Evolve"));
      break;
    }
  gtk_label_set_text (self->evolve_label, text);
  gtk_widget_set_sensitive (GTK_WIDGET (self->keep_button), *ev.origin != '\0');
  gtk_widget_set_sensitive (GTK_WIDGET (self->revert_button), *ev.origin != '\0');
}

static void
on_evolve (TandemGeneratePanel *self)
{
  TandemPattern *pattern = current_pattern (self);
  g_autoptr(TandemOp) op = NULL;
  TandemEvolution ev;

  if (pattern == NULL)
    return;
  tandem_pattern_get_evolution (pattern, &ev);
  if (ev.state == TANDEM_EVOLVE_RUNNING)
    op = tandem_evolve_op_pause (pattern);
  else if (ev.state == TANDEM_EVOLVE_PAUSED)
    op = tandem_evolve_op_resume (pattern, author (self));
  else
    op = tandem_evolve_op_start (self->project, pattern,
                                 gtk_drop_down_get_selected (self->rule_dropdown),
                                 spin (self->amount_spin), spin (self->every_spin),
                                 spin (self->steps_spin),
                                 gtk_check_button_get_active (self->loop_check)
                                 ? TANDEM_EVOLVE_END_LOOP : TANDEM_EVOLVE_END_STOP,
                                 g_random_int (), author (self));
  submit (self, op);
}

static void
on_keep (TandemGeneratePanel *self)
{
  TandemPattern *pattern = current_pattern (self);
  g_autoptr(TandemOp) op = pattern != NULL ? tandem_evolve_op_keep (pattern) : NULL;

  submit (self, op);
}

static void
on_revert (TandemGeneratePanel *self)
{
  TandemPattern *pattern = current_pattern (self);
  g_autoptr(TandemOp) op = pattern != NULL ? tandem_evolve_op_revert (self->project, pattern)
                                           : NULL;

  submit (self, op);
}

static void
on_op_applied (TandemGeneratePanel *self)
{
  update_evolution (self);
  update_voice (self);
}

static void
rebuild_driver (TandemGeneratePanel *self)
{
  g_clear_pointer (&self->driver, tandem_evolution_driver_free);
  if (self->project != NULL)
    self->driver = tandem_evolution_driver_new (self->project, self->client, self->local_author);
}

void
tandem_generate_panel_set_project (TandemGeneratePanel *self,
                                   TandemProject       *project,
                                   TandemHistory       *history)
{
  g_return_if_fail (TANDEM_IS_GENERATE_PANEL (self));

  if (self->stream != NULL)
    on_stop (self);
  g_set_object (&self->history, history);
  if (g_set_object (&self->project, project))
    {
      g_signal_group_set_target (self->project_signals, project);
      rebuild_driver (self);
    }
  tandem_circle_view_set_project (self->circle, project);
  tandem_circle_view_set_history (self->circle, history);
  update_evolution (self);
  update_voice (self);
  update_preview (self);
}

void
tandem_generate_panel_set_client (TandemGeneratePanel *self,
                                  TandemSyncClient    *client)
{
  g_return_if_fail (TANDEM_IS_GENERATE_PANEL (self));

  if (self->stream != NULL)
    on_stop (self);
  if (g_set_object (&self->client, client))
    rebuild_driver (self);
}

void
tandem_generate_panel_set_grid (TandemGeneratePanel *self,
                                TandemGridView      *grid)
{
  g_return_if_fail (TANDEM_IS_GENERATE_PANEL (self));

  if (self->grid != NULL)
    g_signal_handlers_disconnect_by_data (self->grid, self);
  g_set_object (&self->grid, grid);
  if (grid != NULL)
    {
      g_signal_connect_swapped (grid, "notify::selected-track", G_CALLBACK (update_preview), self);
      g_signal_connect_swapped (grid, "notify::selected-track", G_CALLBACK (update_voice), self);
    }
  update_voice (self);
  update_preview (self);
}

void
tandem_generate_panel_set_playing_step (TandemGeneratePanel *self,
                                        int                  step)
{
  TandemPattern *pattern = current_pattern (self);
  TandemChord chord;

  if (step < 0 || pattern == NULL
      || !tandem_chord_lane_chord_at (tandem_pattern_get_chords (pattern),
                                      tandem_pattern_get_chord_rate (pattern)
                                      == TANDEM_CHORD_RATE_BEAT,
                                      tandem_project_get_steps_per_beat (self->project),
                                      tandem_project_get_beats_per_bar (self->project),
                                      (guint) step, &chord, NULL))
    tandem_circle_view_set_chord (self->circle, NULL);
  else
    tandem_circle_view_set_chord (self->circle, &chord);
}

GtkWidget *
tandem_generate_panel_get_circle (TandemGeneratePanel *self)
{
  return GTK_WIDGET (self->circle);
}

static void
tandem_generate_panel_dispose (GObject *object)
{
  TandemGeneratePanel *self = TANDEM_GENERATE_PANEL (object);

  g_clear_handle_id (&self->finish_id, g_source_remove);
  g_clear_pointer (&self->stream, tandem_rhythm_stream_free);
  g_clear_pointer (&self->driver, tandem_evolution_driver_free);
  if (self->project_signals != NULL)
    g_signal_group_set_target (self->project_signals, NULL);
  g_clear_object (&self->project_signals);
  if (self->grid != NULL)
    {
      tandem_grid_view_set_ghost (self->grid, NULL, NULL);
      g_signal_handlers_disconnect_by_data (self->grid, self);
    }
  g_clear_object (&self->grid);
  g_clear_object (&self->project);
  g_clear_object (&self->history);
  g_clear_object (&self->client);
  gtk_widget_dispose_template (GTK_WIDGET (self), TANDEM_TYPE_GENERATE_PANEL);
  G_OBJECT_CLASS (tandem_generate_panel_parent_class)->dispose (object);
}

static void
tandem_generate_panel_finalize (GObject *object)
{
  TandemGeneratePanel *self = TANDEM_GENERATE_PANEL (object);

  g_free (self->local_author);
  G_OBJECT_CLASS (tandem_generate_panel_parent_class)->finalize (object);
}

static void
tandem_generate_panel_class_init (TandemGeneratePanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tandem_generate_panel_dispose;
  object_class->finalize = tandem_generate_panel_finalize;

  g_type_ensure (TANDEM_TYPE_CIRCLE_VIEW);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/tandemjam/Tandem/widgets/tandem-generate-panel.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, TandemGeneratePanel, name)
  BIND (box);
  BIND (circle);
  BIND (kind_dropdown);
  BIND (a_spin);
  BIND (b_spin);
  BIND (c_spin);
  BIND (rhythm_label);
  BIND (preview_button);
  BIND (apply_button);
  BIND (melody_button);
  BIND (stream_button);
  BIND (stop_button);
  BIND (variations_spin);
  BIND (stream_progress);
  BIND (degree_spin);
  BIND (count_spin);
  BIND (sevenths_check);
  BIND (progression_button);
  BIND (harmony_dropdown);
  BIND (arp_dropdown);
  BIND (arp_rate_spin);
  BIND (rule_dropdown);
  BIND (amount_spin);
  BIND (every_spin);
  BIND (steps_spin);
  BIND (loop_check);
  BIND (evolve_button);
  BIND (keep_button);
  BIND (revert_button);
  BIND (evolve_label);
#undef BIND
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "generatepanel");
}

static void
tandem_generate_panel_init (TandemGeneratePanel *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->local_author = tandem_id_new ();

  g_signal_connect_swapped (self->kind_dropdown, "notify::selected", G_CALLBACK (update_preview),
                            self);
  g_signal_connect_swapped (self->a_spin, "value-changed", G_CALLBACK (update_preview), self);
  g_signal_connect_swapped (self->b_spin, "value-changed", G_CALLBACK (update_preview), self);
  g_signal_connect_swapped (self->c_spin, "value-changed", G_CALLBACK (update_preview), self);
  g_signal_connect_swapped (self->preview_button, "toggled", G_CALLBACK (update_preview), self);
  g_signal_connect_swapped (self->apply_button, "clicked", G_CALLBACK (on_apply), self);
  g_signal_connect_swapped (self->melody_button, "clicked", G_CALLBACK (on_melody), self);
  g_signal_connect_swapped (self->stream_button, "clicked", G_CALLBACK (on_stream), self);
  g_signal_connect_swapped (self->stop_button, "clicked", G_CALLBACK (on_stop), self);
  g_signal_connect_swapped (self->progression_button, "clicked", G_CALLBACK (on_progression),
                            self);
  g_signal_connect_swapped (self->harmony_dropdown, "notify::selected",
                            G_CALLBACK (on_voice_changed), self);
  g_signal_connect_swapped (self->arp_dropdown, "notify::selected", G_CALLBACK (on_voice_changed),
                            self);
  g_signal_connect_swapped (self->arp_rate_spin, "value-changed", G_CALLBACK (on_voice_changed),
                            self);
  g_signal_connect_swapped (self->evolve_button, "clicked", G_CALLBACK (on_evolve), self);
  g_signal_connect_swapped (self->keep_button, "clicked", G_CALLBACK (on_keep), self);
  g_signal_connect_swapped (self->revert_button, "clicked", G_CALLBACK (on_revert), self);

  self->project_signals = g_signal_group_new (TANDEM_TYPE_PROJECT);
  g_signal_group_connect_swapped (self->project_signals, "op-applied", G_CALLBACK (on_op_applied),
                                  self);
  g_signal_group_connect_swapped (self->project_signals, "reset", G_CALLBACK (on_op_applied), self);
  update_preview (self);
  update_evolution (self);
}

GtkWidget *
tandem_generate_panel_new (void)
{
  return g_object_new (TANDEM_TYPE_GENERATE_PANEL, NULL);
}
