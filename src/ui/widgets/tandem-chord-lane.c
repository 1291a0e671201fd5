/* tandem-chord-lane.c — editing a pattern's chord lane with buttons and keys
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-ui"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "tandem-chord-lane.h"

struct _TandemChordLane
{
  GtkWidget      parent_instance;

  TandemProject *project;
  TandemHistory *history;
  GSignalGroup  *project_signals;
  GSignalGroup  *pattern_signals;
  TandemPattern *pattern;
  char          *pattern_id;  /* the edited pattern (view state); NULL: the playing one */

  GtkWidget     *presets;
  GtkWidget     *rate;
  GtkWidget     *slots_box;
  GPtrArray     *slots;  /* GtkButton, borrowed from slots_box */
  GtkWidget     *add_button;
  GtkWidget     *remove_button;
  GtkWidget     *evolve_label;  /* the pattern's evolution, for everyone to see */
  int            playing_slot;
  gboolean       updating;
};

G_DEFINE_FINAL_TYPE (TandemChordLane, tandem_chord_lane, GTK_TYPE_WIDGET)

/* The cycle a slot steps through: the diatonic triads, then no chord. */
#define N_CYCLE 8

static char *
cycle_text (TandemScale scale,
            guint       i)
{
  TandemChord c;

  if (i >= 7)
    return g_strdup ("-");
  c = tandem_chord_diatonic (scale, i, FALSE);
  return tandem_chord_to_string (&c);
}

static TandemScale
scale_of (TandemChordLane *self)
{
  return self->project != NULL ? tandem_project_get_scale (self->project) : TANDEM_SCALE_MAJOR;
}

static void
submit_lane (TandemChordLane *self,
             GStrv            tokens)
{
  g_autofree char *lane = g_strjoinv (" ", tokens);
  g_autoptr(TandemOp) op = NULL;
  g_autoptr(GError) error = NULL;

  if (self->pattern == NULL || self->history == NULL)
    return;
  op = tandem_op_new_set_string (TANDEM_ENTITY_PATTERN, tandem_pattern_get_id (self->pattern),
                                 "chords", lane);
  if (!tandem_history_apply (self->history, op, &error))
    g_warning ("Could not change the chords: %s", error->message);
}

static GStrv
current_tokens (TandemChordLane *self)
{
  const char *lane = self->pattern != NULL ? tandem_pattern_get_chords (self->pattern) : "";

  return *lane == '\0' ? g_new0 (char *, 1) : g_strsplit (lane, " ", -1);
}

/* Steps slot @i by @by through the cycle. */
static void
step_slot (TandemChordLane *self,
           guint            i,
           int              by)
{
  g_auto(GStrv) tokens = current_tokens (self);
  TandemScale scale = scale_of (self);
  guint at = N_CYCLE - 1;

  if (i >= g_strv_length (tokens))
    return;
  for (guint k = 0; k < N_CYCLE; k++)
    {
      g_autofree char *t = cycle_text (scale, k);

      if (strcmp (t, tokens[i]) == 0)
        at = k;
    }
  g_free (tokens[i]);
  tokens[i] = cycle_text (scale, (at + N_CYCLE + by) % N_CYCLE);
  submit_lane (self, tokens);
}

static void
clear_slot (TandemChordLane *self,
            guint            i)
{
  g_auto(GStrv) tokens = current_tokens (self);

  if (i >= g_strv_length (tokens))
    return;
  g_free (tokens[i]);
  tokens[i] = g_strdup ("-");
  submit_lane (self, tokens);
}

static guint
slot_index (GtkWidget *button)
{
  return GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "slot"));
}

static void
on_slot_clicked (GtkButton       *button,
                 TandemChordLane *self)
{
  step_slot (self, slot_index (GTK_WIDGET (button)), 1);
}

static gboolean
on_slot_key (GtkEventControllerKey *controller,
             guint                  keyval,
             guint                  keycode,
             GdkModifierType        state,
             TandemChordLane       *self)
{
  GtkWidget *button = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (controller));
  guint i = slot_index (button);

  switch (keyval)
    {
    case GDK_KEY_Up:
    case GDK_KEY_KP_Up:
      step_slot (self, i, 1);
      return TRUE;
    case GDK_KEY_Down:
    case GDK_KEY_KP_Down:
      step_slot (self, i, -1);
      return TRUE;
    case GDK_KEY_Delete:
    case GDK_KEY_BackSpace:
      clear_slot (self, i);
      return TRUE;
    default:
      return FALSE;
    }
}

static char *
slot_label (TandemChordLane *self,
            const char      *token,
            char           **accessible)
{
  TandemChord c;
  g_autofree char *roman = NULL;
  g_autofree char *name = NULL;

  if (!tandem_chord_parse (token, &c))
    {
      *accessible = g_strdup (_("No chord"));
      return g_strdup ("–");
    }
  roman = tandem_chord_to_display (&c);
  name = tandem_chord_get_name (&c, tandem_project_get_key_root (self->project),
                                tandem_project_get_scale (self->project));
  *accessible = g_strdup_printf ("%s, %s", roman, name);
  return g_strdup_printf ("%s · %s", roman, name);
}

static void
rebuild (TandemChordLane *self)
{
  g_auto(GStrv) tokens = current_tokens (self);
  guint n = g_strv_length (tokens);
  GtkWidget *child;

  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  /* Keep the focused slot focused across the rebuild. */
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;
  int focused = -1;

  for (guint i = 0; i < self->slots->len; i++)
    if (focus != NULL && focus == self->slots->pdata[i])
      focused = (int) i;

  while ((child = gtk_widget_get_first_child (self->slots_box)) != NULL)
    gtk_box_remove (GTK_BOX (self->slots_box), child);
  g_ptr_array_set_size (self->slots, 0);

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *accessible = NULL;
      g_autofree char *label = slot_label (self, tokens[i], &accessible);
      GtkWidget *button = gtk_button_new_with_label (label);
      GtkEventController *key = gtk_event_controller_key_new ();
      g_autofree char *desc = g_strdup_printf (_("Chord %u: %s"), i + 1, accessible);

      g_object_set_data (G_OBJECT (button), "slot", GUINT_TO_POINTER (i));
      gtk_widget_add_css_class (button, "chord-slot");
      if ((int) i == self->playing_slot)
        gtk_widget_add_css_class (button, "playing");
      gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, desc,
                                      -1);
      g_signal_connect (button, "clicked", G_CALLBACK (on_slot_clicked), self);
      g_signal_connect (key, "key-pressed", G_CALLBACK (on_slot_key), self);
      gtk_widget_add_controller (button, key);
      gtk_box_append (GTK_BOX (self->slots_box), button);
      g_ptr_array_add (self->slots, button);
    }
  if (focused >= 0 && (guint) focused < self->slots->len)
    gtk_widget_grab_focus (self->slots->pdata[focused]);

  self->updating = TRUE;
  if (self->pattern != NULL)
    gtk_drop_down_set_selected (GTK_DROP_DOWN (self->rate),
                                tandem_pattern_get_chord_rate (self->pattern));
  self->updating = FALSE;
  gtk_widget_set_sensitive (self->remove_button, n > 0);
  gtk_widget_set_sensitive (self->add_button, n < TANDEM_CHORD_LANE_MAX_SLOTS);
  gtk_widget_set_sensitive (GTK_WIDGET (self), self->pattern != NULL);
}

static void
update_evolution (TandemChordLane *self)
{
  g_autofree char *text = NULL;
  TandemEvolution ev = { 0 };

  if (self->pattern != NULL)
    tandem_pattern_get_evolution (self->pattern, &ev);
  if (self->pattern != NULL && ev.state == TANDEM_EVOLVE_RUNNING)
    text = g_strdup_printf (_("Evolving, step %u of %u"), ev.step, ev.steps);
  else if (self->pattern != NULL && ev.state == TANDEM_EVOLVE_PAUSED)
    text = g_strdup_printf (_("Evolution paused, step %u of %u"), ev.step, ev.steps);
  gtk_label_set_text (GTK_LABEL (self->evolve_label), text != NULL ? text : "");
  gtk_widget_set_visible (self->evolve_label, text != NULL);
}

static void
follow_pattern (TandemChordLane *self)
{
  TandemPattern *pattern = NULL;

  if (self->project != NULL)
    {
      const char *id = tandem_project_get_current_pattern (self->project);

      if (self->pattern_id != NULL)
        pattern = tandem_project_find_pattern (self->project, self->pattern_id);
      if (pattern == NULL)
        pattern = tandem_project_find_pattern (self->project, id);
      if (pattern == NULL && g_list_model_get_n_items (tandem_project_get_patterns (self->project)) > 0)
        {
          g_autoptr(TandemPattern) first =
            g_list_model_get_item (tandem_project_get_patterns (self->project), 0);

          pattern = first;
        }
    }
  if (pattern != self->pattern)
    {
      self->pattern = pattern;
      g_signal_group_set_target (self->pattern_signals, pattern);
    }
  rebuild (self);
  update_evolution (self);
}

static void
on_add (TandemChordLane *self)
{
  g_auto(GStrv) tokens = current_tokens (self);
  g_autoptr(GStrvBuilder) b = g_strv_builder_new ();
  g_auto(GStrv) grown = NULL;

  g_strv_builder_addv (b, (const char **) tokens);
  g_strv_builder_add (b, "I");
  grown = g_strv_builder_end (b);
  submit_lane (self, grown);
}

static void
on_remove (TandemChordLane *self)
{
  g_auto(GStrv) tokens = current_tokens (self);
  guint n = g_strv_length (tokens);

  if (n == 0)
    return;
  g_clear_pointer (&tokens[n - 1], g_free);
  submit_lane (self, tokens);
}

void
tandem_chord_lane_apply_preset (TandemChordLane *self,
                                guint            index)
{
  const TandemProgression *p = tandem_progressions ();
  g_auto(GStrv) tokens = NULL;

  for (guint i = 0; i <= index; i++)
    if (p[i].name == NULL)
      return;
  tokens = g_strsplit (p[index].chords, " ", -1);
  submit_lane (self, tokens);
}

static void
on_preset_selected (GtkDropDown     *drop,
                    GParamSpec      *pspec,
                    TandemChordLane *self)
{
  guint i = gtk_drop_down_get_selected (drop);

  /* Item 0 is the "Progression…" title. */
  if (self->updating || i == 0 || i == GTK_INVALID_LIST_POSITION)
    return;
  tandem_chord_lane_apply_preset (self, i - 1);
  self->updating = TRUE;
  gtk_drop_down_set_selected (drop, 0);
  self->updating = FALSE;
}

static void
on_rate_selected (GtkDropDown     *drop,
                  GParamSpec      *pspec,
                  TandemChordLane *self)
{
  g_autoptr(TandemOp) op = NULL;
  g_autoptr(GError) error = NULL;

  if (self->updating || self->pattern == NULL || self->history == NULL)
    return;
  op = tandem_op_new_set_string (TANDEM_ENTITY_PATTERN, tandem_pattern_get_id (self->pattern),
                                 "chord-rate", gtk_drop_down_get_selected (drop) == 1 ? "beat" : "bar");
  if (!tandem_history_apply (self->history, op, &error))
    g_warning ("Could not change the chord rate: %s", error->message);
}

void
tandem_chord_lane_set_project (TandemChordLane *self,
                               TandemProject   *project)
{
  g_return_if_fail (TANDEM_IS_CHORD_LANE (self));

  if (!g_set_object (&self->project, project))
    return;
  g_signal_group_set_target (self->project_signals, project);
  if (project != NULL)
    g_signal_connect_object (tandem_project_get_patterns (project), "items-changed",
                             G_CALLBACK (follow_pattern), self, G_CONNECT_SWAPPED);
  follow_pattern (self);
}

void
tandem_chord_lane_set_history (TandemChordLane *self,
                               TandemHistory   *history)
{
  g_return_if_fail (TANDEM_IS_CHORD_LANE (self));
  g_set_object (&self->history, history);
}

void
tandem_chord_lane_set_playing_step (TandemChordLane *self,
                                    int              step)
{
  guint slot = 0;
  int now = -1;

  g_return_if_fail (TANDEM_IS_CHORD_LANE (self));

  if (step >= 0 && self->pattern != NULL && self->project != NULL)
    {
      tandem_chord_lane_chord_at (tandem_pattern_get_chords (self->pattern),
                                  tandem_pattern_get_chord_rate (self->pattern)
                                  == TANDEM_CHORD_RATE_BEAT,
                                  tandem_project_get_steps_per_beat (self->project),
                                  tandem_project_get_beats_per_bar (self->project), (guint) step,
                                  NULL, &slot);
      if (self->slots->len > 0)
        now = (int) slot;
    }
  if (now == self->playing_slot)
    return;
  if (self->playing_slot >= 0 && (guint) self->playing_slot < self->slots->len)
    gtk_widget_remove_css_class (self->slots->pdata[self->playing_slot], "playing");
  self->playing_slot = now;
  if (now >= 0 && (guint) now < self->slots->len)
    gtk_widget_add_css_class (self->slots->pdata[now], "playing");
}

const char *
tandem_chord_lane_get_evolution_text (TandemChordLane *self)
{
  g_return_val_if_fail (TANDEM_IS_CHORD_LANE (self), NULL);
  return gtk_widget_get_visible (self->evolve_label)
         ? gtk_label_get_text (GTK_LABEL (self->evolve_label)) : NULL;
}

GtkWidget *
tandem_chord_lane_get_slot (TandemChordLane *self,
                            guint            i)
{
  g_return_val_if_fail (TANDEM_IS_CHORD_LANE (self), NULL);
  return i < self->slots->len ? self->slots->pdata[i] : NULL;
}

static void
tandem_chord_lane_dispose (GObject *object)
{
  TandemChordLane *self = TANDEM_CHORD_LANE (object);
  GtkWidget *child;

  if (self->project_signals != NULL)
    g_signal_group_set_target (self->project_signals, NULL);
  if (self->pattern_signals != NULL)
    g_signal_group_set_target (self->pattern_signals, NULL);
  g_clear_object (&self->project_signals);
  g_clear_object (&self->pattern_signals);
  g_clear_object (&self->project);
  g_clear_object (&self->history);
  self->pattern = NULL;
  g_clear_pointer (&self->pattern_id, g_free);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_pointer (&self->slots, g_ptr_array_unref);
  G_OBJECT_CLASS (tandem_chord_lane_parent_class)->dispose (object);
}

static void
tandem_chord_lane_class_init (TandemChordLaneClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tandem_chord_lane_dispose;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "chordlane");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
tandem_chord_lane_init (TandemChordLane *self)
{
  const TandemProgression *p = tandem_progressions ();
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);
  g_autoptr(GtkStringList) rates = gtk_string_list_new (NULL);
  GtkWidget *label = gtk_label_new (_("Chords"));
  GtkWidget *scroller = gtk_scrolled_window_new ();

  gtk_box_layout_set_spacing (GTK_BOX_LAYOUT (gtk_widget_get_layout_manager (GTK_WIDGET (self))),
                              6);
  self->slots = g_ptr_array_new ();
  self->playing_slot = -1;

  gtk_widget_add_css_class (label, "dim-label");
  gtk_widget_set_parent (label, GTK_WIDGET (self));

  gtk_string_list_append (names, _("Progression…"));
  for (guint i = 0; p[i].name != NULL; i++)
    gtk_string_list_append (names, p[i].name);
  self->presets = gtk_drop_down_new (G_LIST_MODEL (g_steal_pointer (&names)), NULL);
  gtk_widget_set_tooltip_text (self->presets, _("Put a common progression in the lane"));
  g_signal_connect (self->presets, "notify::selected", G_CALLBACK (on_preset_selected), self);
  gtk_widget_set_parent (self->presets, GTK_WIDGET (self));

  gtk_string_list_append (rates, _("Per bar"));
  gtk_string_list_append (rates, _("Per beat"));
  self->rate = gtk_drop_down_new (G_LIST_MODEL (g_steal_pointer (&rates)), NULL);
  gtk_widget_set_tooltip_text (self->rate, _("One chord per bar or per beat"));
  g_signal_connect (self->rate, "notify::selected", G_CALLBACK (on_rate_selected), self);
  gtk_widget_set_parent (self->rate, GTK_WIDGET (self));

  self->slots_box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 4);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_AUTOMATIC,
                                  GTK_POLICY_NEVER);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), self->slots_box);
  gtk_widget_set_hexpand (scroller, TRUE);
  gtk_widget_set_parent (scroller, GTK_WIDGET (self));

  self->remove_button = gtk_button_new_from_icon_name ("list-remove-symbolic");
  gtk_widget_set_tooltip_text (self->remove_button, _("Remove the last chord"));
  g_signal_connect_swapped (self->remove_button, "clicked", G_CALLBACK (on_remove), self);
  gtk_widget_set_parent (self->remove_button, GTK_WIDGET (self));
  self->evolve_label = gtk_label_new (NULL);
  gtk_widget_add_css_class (self->evolve_label, "accent");
  gtk_widget_set_visible (self->evolve_label, FALSE);
  gtk_widget_set_parent (self->evolve_label, GTK_WIDGET (self));
  self->add_button = gtk_button_new_from_icon_name ("list-add-symbolic");
  gtk_widget_set_tooltip_text (self->add_button, _("Add a chord"));
  g_signal_connect_swapped (self->add_button, "clicked", G_CALLBACK (on_add), self);
  gtk_widget_set_parent (self->add_button, GTK_WIDGET (self));

  self->project_signals = g_signal_group_new (TANDEM_TYPE_PROJECT);
  g_signal_group_connect_swapped (self->project_signals, "notify::current-pattern",
                                  G_CALLBACK (follow_pattern), self);
  g_signal_group_connect_swapped (self->project_signals, "notify::key-root",
                                  G_CALLBACK (rebuild), self);
  g_signal_group_connect_swapped (self->project_signals, "notify::scale",
                                  G_CALLBACK (rebuild), self);
  g_signal_group_connect_swapped (self->project_signals, "reset", G_CALLBACK (follow_pattern), self);
  self->pattern_signals = g_signal_group_new (TANDEM_TYPE_PATTERN);
  g_signal_group_connect_swapped (self->pattern_signals, "notify::chords", G_CALLBACK (rebuild),
                                  self);
  g_signal_group_connect_swapped (self->pattern_signals, "notify::chord-rate",
                                  G_CALLBACK (rebuild), self);
  g_signal_group_connect_swapped (self->pattern_signals, "notify::evolve-state",
                                  G_CALLBACK (update_evolution), self);
  g_signal_group_connect_swapped (self->pattern_signals, "notify::evolve-step",
                                  G_CALLBACK (update_evolution), self);
  g_signal_group_connect_swapped (self->pattern_signals, "notify::evolve-steps",
                                  G_CALLBACK (update_evolution), self);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Chord lane"), -1);
  rebuild (self);
}

GtkWidget *
tandem_chord_lane_new (void)
{
  return g_object_new (TANDEM_TYPE_CHORD_LANE, NULL);
}

/**
 * tandem_chord_lane_set_pattern_id:
 * @pattern_id: (nullable): the pattern whose chords to show; NULL: the playing one
 */
void
tandem_chord_lane_set_pattern_id (TandemChordLane *self,
                                  const char      *pattern_id)
{
  g_return_if_fail (TANDEM_IS_CHORD_LANE (self));

  if (g_strcmp0 (self->pattern_id, pattern_id) == 0)
    return;
  g_free (self->pattern_id);
  self->pattern_id = g_strdup (pattern_id);
  follow_pattern (self);
}
