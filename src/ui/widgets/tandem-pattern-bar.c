/* tandem-pattern-bar.c — pick, add, copy and remove patterns; set their length
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-ui"

#include "config.h"

#include <glib/gi18n.h>

#include "tandem-pattern-bar.h"
#include "tandem-widgets-private.h"

struct _TandemPatternBar
{
  GtkWidget      parent_instance;

  TandemProject *project;
  TandemHistory *history;
  GSignalGroup  *project_signals;
  GSignalGroup  *pattern_signals;
  GListModel    *patterns;

  GtkWidget     *dropdown;
  GtkWidget     *length_spin;
  GtkWidget     *play_button;

  /* The pattern this window edits (view state); NULL: the playing one.
   * While links_playing, choosing a pattern also makes it the playing one,
   * as a person alone expects. */
  char          *pattern_id;
  char          *shown_id;
  gboolean       links_playing;

  /* Set while the widgets are updated from the model or while the patterns
   * list changes under the drop-down: nothing the widgets report then is a
   * user edit. */
  guint          syncing;
};

G_DEFINE_FINAL_TYPE (TandemPatternBar, tandem_pattern_bar, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_PROJECT,
  PROP_HISTORY,
  PROP_PATTERN_ID,
  PROP_LINKS_PLAYING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static TandemPattern *
current_pattern (TandemPatternBar *self,
                 guint            *position)
{
  const char *id;
  guint n;

  if (self->project == NULL)
    return NULL;

  id = tandem_project_get_current_pattern (self->project);
  if (!self->links_playing && self->pattern_id != NULL
      && tandem_project_find_pattern (self->project, self->pattern_id) != NULL)
    id = self->pattern_id;
  n = g_list_model_get_n_items (self->patterns);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TandemPattern) pattern = g_list_model_get_item (self->patterns, i);

      if (g_strcmp0 (tandem_pattern_get_id (pattern), id) == 0 || (i == 0 && *id == '\0'))
        {
          if (position != NULL)
            *position = i;
          return pattern;
        }
    }

  /* A dangling or empty current pattern shows the first one, as the grid does. */
  if (n > 0)
    {
      g_autoptr(TandemPattern) first = g_list_model_get_item (self->patterns, 0);

      if (position != NULL)
        *position = 0;
      return first;
    }
  return NULL;
}

/* g_set_str() arrived after GLib 2.74. */
static gboolean
set_str (char       **field,
         const char  *value)
{
  char *copy;

  if (g_strcmp0 (*field, value) == 0)
    return FALSE;
  copy = g_strdup (value);
  g_free (*field);
  *field = copy;
  return TRUE;
}

static gboolean
is_playing (TandemPatternBar *self,
            TandemPattern    *pattern)
{
  const char *playing = tandem_project_get_current_pattern (self->project);
  g_autoptr(TandemPattern) first = NULL;

  if (g_strcmp0 (playing, tandem_pattern_get_id (pattern)) == 0)
    return TRUE;
  /* A dangling or empty playing pattern plays the first one. */
  if (tandem_project_find_pattern (self->project, playing) != NULL)
    return FALSE;
  first = g_list_model_get_item (self->patterns, 0);
  return first == pattern;
}

static void
sync_from_model (TandemPatternBar *self)
{
  TandemPattern *pattern;
  guint position = GTK_INVALID_LIST_POSITION;
  guint n = self->patterns != NULL ? g_list_model_get_n_items (self->patterns) : 0;

  self->syncing++;

  pattern = current_pattern (self, &position);
  gtk_drop_down_set_selected (GTK_DROP_DOWN (self->dropdown), position);
  g_signal_group_set_target (self->pattern_signals, pattern);
  if (pattern != NULL)
    gtk_spin_button_set_value (GTK_SPIN_BUTTON (self->length_spin),
                               tandem_pattern_get_length (pattern));

  gtk_widget_set_sensitive (self->dropdown, pattern != NULL);
  gtk_widget_set_sensitive (self->length_spin, pattern != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "pattern.new", self->project != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "pattern.duplicate", pattern != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "pattern.delete", n > 1);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "pattern.play",
                                 pattern != NULL && !is_playing (self, pattern));
  if (self->play_button != NULL)
    gtk_widget_set_visible (self->play_button, !self->links_playing);

  self->syncing--;

  /* Others (the grid, presence) follow the pattern shown here. */
  if (set_str (&self->shown_id, pattern != NULL ? tandem_pattern_get_id (pattern) : NULL))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PATTERN_ID]);
}

static void
apply_batch (TandemPatternBar *self,
             TandemOp         *first,
             TandemOp         *second)
{
  TandemOp *batch = tandem_op_new_batch ();

  /* One op for both halves: all or nothing, one undo step. */
  tandem_op_batch_add (batch, first);
  tandem_op_batch_add (batch, second);
  _tandem_widgets_apply (self->history, batch);
}

static char *
unused_pattern_name (TandemPatternBar *self)
{
  guint n = g_list_model_get_n_items (self->patterns);

  for (guint number = n + 1; ; number++)
    {
      /* Translators: the name of a new pattern, “Pattern 2” */
      g_autofree char *name = g_strdup_printf (_("Pattern %u"), number);
      gboolean used = FALSE;

      for (guint i = 0; i < n && !used; i++)
        {
          g_autoptr(TandemPattern) pattern = g_list_model_get_item (self->patterns, i);

          used = g_strcmp0 (tandem_pattern_get_name (pattern), name) == 0;
        }
      if (!used)
        return g_steal_pointer (&name);
    }
}

static void
pattern_new (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  TandemPatternBar *self = TANDEM_PATTERN_BAR (widget);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *id = tandem_id_new ();
  g_autofree char *name = NULL;

  if (self->project == NULL)
    return;

  name = unused_pattern_name (self);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, id);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, name);
  json_builder_set_member_name (builder, "length");
  json_builder_add_int_value (builder, 16);
  json_builder_end_object (builder);

  if (self->links_playing)
    apply_batch (self,
                 tandem_op_new_insert (TANDEM_ENTITY_PATTERN, -1, json_builder_get_root (builder)),
                 tandem_op_new_set_string (TANDEM_ENTITY_PROJECT, NULL, "current-pattern", id));
  else
    {
      _tandem_widgets_apply (self->history,
                             tandem_op_new_insert (TANDEM_ENTITY_PATTERN, -1,
                                                   json_builder_get_root (builder)));
      tandem_pattern_bar_set_pattern_id (self, id);
    }
}

static void
pattern_duplicate (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  TandemPatternBar *self = TANDEM_PATTERN_BAR (widget);
  g_autofree char *id = tandem_id_new ();
  TandemPattern *pattern;
  TandemOp *op;
  guint position;

  if ((pattern = current_pattern (self, &position)) == NULL ||
      (op = _tandem_widgets_duplicate_pattern_op (self->project, tandem_pattern_get_id (pattern),
                                                  id, &position)) == NULL)
    return;

  if (self->links_playing)
    apply_batch (self, op,
                 tandem_op_new_set_string (TANDEM_ENTITY_PROJECT, NULL, "current-pattern", id));
  else
    {
      _tandem_widgets_apply (self->history, op);
      tandem_pattern_bar_set_pattern_id (self, id);
    }
}

static void
pattern_delete (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  TandemPatternBar *self = TANDEM_PATTERN_BAR (widget);
  g_autoptr(TandemPattern) next = NULL;
  TandemPattern *pattern;
  guint position;

  if ((pattern = current_pattern (self, &position)) == NULL ||
      g_list_model_get_n_items (self->patterns) < 2)
    return;

  /* The neighbour becomes current first, so current-pattern never dangles;
   * deleting a pattern that is not playing leaves what plays alone. */
  next = g_list_model_get_item (self->patterns, position > 0 ? position - 1 : 1);
  if (self->links_playing || is_playing (self, pattern))
    apply_batch (self,
                 tandem_op_new_set_string (TANDEM_ENTITY_PROJECT, NULL, "current-pattern",
                                           tandem_pattern_get_id (next)),
                 tandem_op_new_delete (TANDEM_ENTITY_PATTERN, tandem_pattern_get_id (pattern)));
  else
    _tandem_widgets_apply (self->history,
                           tandem_op_new_delete (TANDEM_ENTITY_PATTERN,
                                                 tandem_pattern_get_id (pattern)));
  if (!self->links_playing)
    tandem_pattern_bar_set_pattern_id (self, tandem_pattern_get_id (next));
}

static void
pattern_select (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  TandemPatternBar *self = TANDEM_PATTERN_BAR (widget);
  const char *id = g_variant_get_string (parameter, NULL);

  if (self->project == NULL)
    return;

  if (!self->links_playing)
    {
      /* Only this window's view: nobody else's grid moves. */
      tandem_pattern_bar_set_pattern_id (self, id);
      return;
    }
  if (g_strcmp0 (tandem_project_get_current_pattern (self->project), id) == 0)
    return;

  _tandem_widgets_apply (self->history,
                         tandem_op_new_set_string (TANDEM_ENTITY_PROJECT, NULL,
                                                   "current-pattern", id));
}

static void
pattern_play (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  TandemPatternBar *self = TANDEM_PATTERN_BAR (widget);
  TandemPattern *pattern = current_pattern (self, NULL);

  if (pattern == NULL || is_playing (self, pattern))
    return;

  _tandem_widgets_apply (self->history,
                         tandem_op_new_set_string (TANDEM_ENTITY_PROJECT, NULL,
                                                   "current-pattern",
                                                   tandem_pattern_get_id (pattern)));
}

static void
pattern_set_length (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  TandemPatternBar *self = TANDEM_PATTERN_BAR (widget);
  int length = CLAMP (g_variant_get_int32 (parameter), 1, TANDEM_MAX_STEPS);
  TandemPattern *pattern = current_pattern (self, NULL);

  if (pattern == NULL || tandem_pattern_get_length (pattern) == (guint) length)
    return;

  _tandem_widgets_apply (self->history,
                         tandem_op_new_set_int (TANDEM_ENTITY_PATTERN,
                                                tandem_pattern_get_id (pattern),
                                                "length", length));
}

static void
on_selected_changed (TandemPatternBar *self,
                     GParamSpec       *pspec,
                     GtkDropDown      *dropdown)
{
  TandemPattern *pattern = gtk_drop_down_get_selected_item (dropdown);

  if (self->syncing > 0 || pattern == NULL)
    return;

  gtk_widget_activate_action (GTK_WIDGET (self), "pattern.select", "s",
                              tandem_pattern_get_id (pattern));
}

static void
on_length_changed (TandemPatternBar *self,
                   GtkSpinButton    *spin)
{
  if (self->syncing > 0)
    return;

  gtk_widget_activate_action (GTK_WIDGET (self), "pattern.set-length", "i",
                              gtk_spin_button_get_value_as_int (spin));
}

/* Bracket the drop-down's own reaction to a change of the list: connected
 * before the drop-down sees the change, and after. */
static void
on_patterns_changing (TandemPatternBar *self)
{
  self->syncing++;
}

static void
on_patterns_changed (TandemPatternBar *self)
{
  self->syncing--;
  sync_from_model (self);
}

static void
on_project_bind (TandemPatternBar *self,
                 TandemProject    *project,
                 GSignalGroup     *group)
{
  self->patterns = g_object_ref (tandem_project_get_patterns (project));
  g_signal_connect_object (self->patterns, "items-changed",
                           G_CALLBACK (on_patterns_changing), self, G_CONNECT_SWAPPED);
  gtk_drop_down_set_model (GTK_DROP_DOWN (self->dropdown), self->patterns);
  g_signal_connect_object (self->patterns, "items-changed",
                           G_CALLBACK (on_patterns_changed), self,
                           G_CONNECT_SWAPPED | G_CONNECT_AFTER);
}

static void
on_project_unbind (TandemPatternBar *self,
                   GSignalGroup     *group)
{
  self->syncing++;
  if (self->dropdown != NULL)
    gtk_drop_down_set_model (GTK_DROP_DOWN (self->dropdown), NULL);
  self->syncing--;
  if (self->patterns != NULL)
    g_signal_handlers_disconnect_by_data (self->patterns, self);
  g_clear_object (&self->patterns);
}

static void
tandem_pattern_bar_dispose (GObject *object)
{
  TandemPatternBar *self = TANDEM_PATTERN_BAR (object);
  GtkWidget *child;

  if (self->project_signals != NULL)
    g_signal_group_set_target (self->project_signals, NULL);
  if (self->pattern_signals != NULL)
    g_signal_group_set_target (self->pattern_signals, NULL);
  g_clear_object (&self->project_signals);
  g_clear_object (&self->pattern_signals);

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  self->dropdown = self->length_spin = self->play_button = NULL;

  g_clear_object (&self->project);
  g_clear_object (&self->history);
  g_clear_pointer (&self->pattern_id, g_free);
  g_clear_pointer (&self->shown_id, g_free);

  G_OBJECT_CLASS (tandem_pattern_bar_parent_class)->dispose (object);
}

static void
tandem_pattern_bar_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  TandemPatternBar *self = TANDEM_PATTERN_BAR (object);

  switch (prop_id)
    {
    case PROP_PROJECT:
      g_value_set_object (value, self->project);
      break;
    case PROP_HISTORY:
      g_value_set_object (value, self->history);
      break;
    case PROP_PATTERN_ID:
      g_value_set_string (value, self->shown_id);
      break;
    case PROP_LINKS_PLAYING:
      g_value_set_boolean (value, self->links_playing);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tandem_pattern_bar_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  TandemPatternBar *self = TANDEM_PATTERN_BAR (object);

  switch (prop_id)
    {
    case PROP_PROJECT:
      tandem_pattern_bar_set_project (self, g_value_get_object (value));
      break;
    case PROP_HISTORY:
      tandem_pattern_bar_set_history (self, g_value_get_object (value));
      break;
    case PROP_PATTERN_ID:
      tandem_pattern_bar_set_pattern_id (self, g_value_get_string (value));
      break;
    case PROP_LINKS_PLAYING:
      tandem_pattern_bar_set_links_playing (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tandem_pattern_bar_class_init (TandemPatternBarClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tandem_pattern_bar_dispose;
  object_class->get_property = tandem_pattern_bar_get_property;
  object_class->set_property = tandem_pattern_bar_set_property;

  properties[PROP_PROJECT] =
    g_param_spec_object ("project", NULL, NULL, TANDEM_TYPE_PROJECT,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_HISTORY] =
    g_param_spec_object ("history", NULL, NULL, TANDEM_TYPE_HISTORY,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_PATTERN_ID] =
    g_param_spec_string ("pattern-id", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_LINKS_PLAYING] =
    g_param_spec_boolean ("links-playing", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_install_action (widget_class, "pattern.new", NULL, pattern_new);
  gtk_widget_class_install_action (widget_class, "pattern.duplicate", NULL, pattern_duplicate);
  gtk_widget_class_install_action (widget_class, "pattern.delete", NULL, pattern_delete);
  gtk_widget_class_install_action (widget_class, "pattern.select", "s", pattern_select);
  gtk_widget_class_install_action (widget_class, "pattern.play", NULL, pattern_play);
  gtk_widget_class_install_action (widget_class, "pattern.set-length", "i",
                                   pattern_set_length);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "patternbar");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_TOOLBAR);
}

static const struct
{
  const char *icon;
  const char *tooltip;
  const char *action;
} pattern_buttons[] = {
  { "list-add-symbolic", N_("New Pattern"), "pattern.new" },
  { "edit-copy-symbolic", N_("Duplicate Pattern"), "pattern.duplicate" },
  { "user-trash-symbolic", N_("Delete Pattern"), "pattern.delete" },
};

static void
tandem_pattern_bar_init (TandemPatternBar *self)
{
  GtkExpression *expression;
  GtkWidget *label, *linked, *spacer;

  self->links_playing = TRUE;
  gtk_box_layout_set_spacing (GTK_BOX_LAYOUT (gtk_widget_get_layout_manager (GTK_WIDGET (self))),
                              6);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Patterns"),
                                  -1);

  expression = gtk_property_expression_new (TANDEM_TYPE_PATTERN, NULL, "name");
  self->dropdown = gtk_drop_down_new (NULL, expression);
  gtk_widget_set_tooltip_text (self->dropdown, _("Current Pattern"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->dropdown),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Current Pattern"),
                                  -1);
  g_signal_connect_object (self->dropdown, "notify::selected",
                           G_CALLBACK (on_selected_changed), self, G_CONNECT_SWAPPED);
  gtk_widget_set_parent (self->dropdown, GTK_WIDGET (self));

  linked = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  gtk_widget_add_css_class (linked, "linked");
  gtk_widget_set_parent (linked, GTK_WIDGET (self));
  for (guint i = 0; i < G_N_ELEMENTS (pattern_buttons); i++)
    {
      GtkWidget *button = gtk_button_new_from_icon_name (pattern_buttons[i].icon);

      gtk_widget_set_tooltip_text (button, _(pattern_buttons[i].tooltip));
      gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      _(pattern_buttons[i].tooltip),
                                      -1);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (button), pattern_buttons[i].action);
      gtk_box_append (GTK_BOX (linked), button);
    }

  self->play_button = gtk_button_new_from_icon_name ("media-playback-start-symbolic");
  gtk_widget_set_tooltip_text (self->play_button, _("Play This Pattern for Everyone"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->play_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Play This Pattern for Everyone"), -1);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->play_button), "pattern.play");
  gtk_widget_set_parent (self->play_button, GTK_WIDGET (self));

  spacer = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  gtk_widget_set_hexpand (spacer, TRUE);
  gtk_widget_set_parent (spacer, GTK_WIDGET (self));

  /* Translators: label of the pattern length spin button */
  label = gtk_label_new_with_mnemonic (_("_Steps"));
  gtk_widget_add_css_class (label, "dim-label");
  gtk_widget_set_parent (label, GTK_WIDGET (self));
  self->length_spin = gtk_spin_button_new_with_range (1, TANDEM_MAX_STEPS, 1);
  gtk_label_set_mnemonic_widget (GTK_LABEL (label), self->length_spin);
  gtk_widget_set_tooltip_text (self->length_spin, _("Pattern Length in Steps"));
  g_signal_connect_object (self->length_spin, "value-changed",
                           G_CALLBACK (on_length_changed), self, G_CONNECT_SWAPPED);
  gtk_widget_set_parent (self->length_spin, GTK_WIDGET (self));

  self->project_signals = g_signal_group_new (TANDEM_TYPE_PROJECT);
  g_signal_connect_object (self->project_signals, "bind",
                           G_CALLBACK (on_project_bind), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->project_signals, "unbind",
                           G_CALLBACK (on_project_unbind), self, G_CONNECT_SWAPPED);
  g_signal_group_connect_object (self->project_signals, "notify::current-pattern",
                                 G_CALLBACK (sync_from_model), self, G_CONNECT_SWAPPED);
  g_signal_group_connect_object (self->project_signals, "reset",
                                 G_CALLBACK (sync_from_model), self, G_CONNECT_SWAPPED);

  self->pattern_signals = g_signal_group_new (TANDEM_TYPE_PATTERN);
  g_signal_group_connect_object (self->pattern_signals, "notify::length",
                                 G_CALLBACK (sync_from_model), self, G_CONNECT_SWAPPED);

  sync_from_model (self);
}

GtkWidget *
tandem_pattern_bar_new (void)
{
  return g_object_new (TANDEM_TYPE_PATTERN_BAR, NULL);
}

TandemProject *
tandem_pattern_bar_get_project (TandemPatternBar *self)
{
  g_return_val_if_fail (TANDEM_IS_PATTERN_BAR (self), NULL);

  return self->project;
}

void
tandem_pattern_bar_set_project (TandemPatternBar *self,
                                TandemProject    *project)
{
  g_return_if_fail (TANDEM_IS_PATTERN_BAR (self));
  g_return_if_fail (project == NULL || TANDEM_IS_PROJECT (project));

  if (!g_set_object (&self->project, project))
    return;

  g_signal_group_set_target (self->project_signals, project);
  sync_from_model (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROJECT]);
}

TandemHistory *
tandem_pattern_bar_get_history (TandemPatternBar *self)
{
  g_return_val_if_fail (TANDEM_IS_PATTERN_BAR (self), NULL);

  return self->history;
}

void
tandem_pattern_bar_set_history (TandemPatternBar *self,
                                TandemHistory    *history)
{
  g_return_if_fail (TANDEM_IS_PATTERN_BAR (self));
  g_return_if_fail (history == NULL || TANDEM_IS_HISTORY (history));

  if (g_set_object (&self->history, history))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HISTORY]);
}

/**
 * tandem_pattern_bar_set_pattern_id:
 * @pattern_id: (nullable): the pattern to edit here; NULL for the playing one
 *
 * Chooses the pattern this bar (and whatever follows its "pattern-id")
 * shows, without touching the project. Ignored while "links-playing".
 */
void
tandem_pattern_bar_set_pattern_id (TandemPatternBar *self,
                                   const char       *pattern_id)
{
  g_return_if_fail (TANDEM_IS_PATTERN_BAR (self));

  if (set_str (&self->pattern_id, pattern_id))
    sync_from_model (self);
}

const char *
tandem_pattern_bar_get_pattern_id (TandemPatternBar *self)
{
  g_return_val_if_fail (TANDEM_IS_PATTERN_BAR (self), NULL);

  return self->shown_id;
}

/**
 * tandem_pattern_bar_set_links_playing:
 *
 * Whether choosing a pattern also makes it the one that plays (an op), as
 * when playing alone; otherwise the choice is this window's own view and
 * "Play This Pattern for Everyone" sets what plays.
 */
void
tandem_pattern_bar_set_links_playing (TandemPatternBar *self,
                                      gboolean          links_playing)
{
  g_return_if_fail (TANDEM_IS_PATTERN_BAR (self));

  links_playing = !!links_playing;
  if (self->links_playing == links_playing)
    return;
  /* Switching keeps the pattern on screen. */
  set_str (&self->pattern_id, self->shown_id);
  self->links_playing = links_playing;
  sync_from_model (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LINKS_PLAYING]);
}
