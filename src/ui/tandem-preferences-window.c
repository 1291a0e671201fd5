/* tandem-preferences-window.c — style, audio output and session identity
 *
 * Every row is bound to its GSettings key both ways, so the window has no
 * Apply button and follows changes made elsewhere (another window, dconf).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-ui"

#include "config.h"

#include <glib/gi18n.h>

#include "tandem-pa-output.h"
#include "tandem-preferences-window.h"

struct _TandemPreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  GSettings            *settings;
  GPtrArray            *device_values;  /* audio-device value of each device_row item */

  AdwComboRow          *style_row;
  AdwComboRow          *device_row;
  AdwComboRow          *rate_row;
  AdwComboRow          *buffer_row;
  GtkEntry             *name_entry;
  GtkWidget            *swatch_box;
  GtkWidget            *custom_color_button;
  GtkSwitch            *metronome_switch;
  GtkSwitch            *metronome_playing_switch;
};

G_DEFINE_FINAL_TYPE (TandemPreferencesWindow, tandem_preferences_window,
                     ADW_TYPE_PREFERENCES_WINDOW)

enum {
  PROP_0,
  PROP_SETTINGS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const char * const style_values[] = { "default", "light", "dark" };
/* The rows' choices, in order; 0 ends each list (the mappings need no length). */
static const guint rate_values[] = { 44100, 48000, 96000, 0 };
static const guint buffer_values[] = { 64, 128, 256, 512, 1024, 2048, 0 };

/* The GNOME palette's “3” shades, as the grid uses them for tracks. */
static const struct
{
  const char *color;
  const char *name;
} swatches[] = {
  { "#3584e4", N_("Blue") },
  { "#33d17a", N_("Green") },
  { "#f6d32d", N_("Yellow") },
  { "#ff7800", N_("Orange") },
  { "#e01b24", N_("Red") },
  { "#9141ac", N_("Purple") },
  { "#986a44", N_("Brown") },
  { "#2190a4", N_("Teal") },
};

/* ---- settings ↔ combo row mappings --------------------------------------- */

static gboolean
style_get_mapping (GValue   *value,
                   GVariant *variant,
                   gpointer  user_data)
{
  const char *style = g_variant_get_string (variant, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (style_values); i++)
    if (g_str_equal (style, style_values[i]))
      {
        g_value_set_uint (value, i);
        return TRUE;
      }
  g_value_set_uint (value, 0);
  return TRUE;
}

static GVariant *
style_set_mapping (const GValue       *value,
                   const GVariantType *expected_type,
                   gpointer            user_data)
{
  guint i = g_value_get_uint (value);

  return g_variant_new_string (style_values[i < G_N_ELEMENTS (style_values) ? i : 0]);
}

/* @user_data is the list of allowed values (a guint array ending in 0). The
 * key's range allows values in between: they show as the nearest choice. */
static gboolean
nearest_get_mapping (GValue   *value,
                     GVariant *variant,
                     gpointer  user_data)
{
  const guint *values = user_data;
  guint wanted = g_variant_get_uint32 (variant);
  guint best = 0;

  for (guint i = 1; values[i] != 0; i++)
    if (ABS ((int) values[i] - (int) wanted) < ABS ((int) values[best] - (int) wanted))
      best = i;

  g_value_set_uint (value, best);
  return TRUE;
}

static GVariant *
nearest_set_mapping (const GValue       *value,
                     const GVariantType *expected_type,
                     gpointer            user_data)
{
  const guint *values = user_data;
  guint selected = g_value_get_uint (value);

  for (guint i = 0; values[i] != 0; i++)
    if (i == selected)
      return g_variant_new_uint32 (values[i]);
  return NULL;
}

static gboolean
device_get_mapping (GValue   *value,
                    GVariant *variant,
                    gpointer  user_data)
{
  TandemPreferencesWindow *self = user_data;
  const char *device = g_variant_get_string (variant, NULL);

  for (guint i = 0; i < self->device_values->len; i++)
    if (g_str_equal (device, g_ptr_array_index (self->device_values, i)))
      {
        g_value_set_uint (value, i);
        return TRUE;
      }
  g_value_set_uint (value, 0);
  return TRUE;
}

static GVariant *
device_set_mapping (const GValue       *value,
                    const GVariantType *expected_type,
                    gpointer            user_data)
{
  TandemPreferencesWindow *self = user_data;
  guint selected = g_value_get_uint (value);

  if (selected >= self->device_values->len)
    return NULL;
  return g_variant_new_string (g_ptr_array_index (self->device_values, selected));
}

static gboolean
color_get_mapping (GValue   *value,
                   GVariant *variant,
                   gpointer  user_data)
{
  GdkRGBA rgba;

  if (!gdk_rgba_parse (&rgba, g_variant_get_string (variant, NULL)))
    gdk_rgba_parse (&rgba, swatches[0].color);
  g_value_set_boxed (value, &rgba);
  return TRUE;
}

static GVariant *
color_set_mapping (const GValue       *value,
                   const GVariantType *expected_type,
                   gpointer            user_data)
{
  const GdkRGBA *rgba = g_value_get_boxed (value);
  g_autofree char *spec = NULL;

  if (rgba == NULL)
    return NULL;
  spec = g_strdup_printf ("#%02x%02x%02x",
                          (int) (CLAMP (rgba->red, 0, 1) * 255 + 0.5),
                          (int) (CLAMP (rgba->green, 0, 1) * 255 + 0.5),
                          (int) (CLAMP (rgba->blue, 0, 1) * 255 + 0.5));
  return g_variant_new_string (spec);
}

/* ---- rows ----------------------------------------------------------------- */

/* A device chosen earlier and unplugged now stays visible, and chosen. */
static void
ensure_device_listed (TandemPreferencesWindow *self)
{
  g_autofree char *current = g_settings_get_string (self->settings, "audio-device");
  g_autofree char *label = NULL;
  GtkStringList *labels;

  for (guint i = 0; i < self->device_values->len; i++)
    if (g_str_equal (current, g_ptr_array_index (self->device_values, i)))
      return;

  /* Translators: an audio device that was chosen but is not there now */
  label = g_strdup_printf (_("%s (Not Connected)"), current);
  labels = GTK_STRING_LIST (adw_combo_row_get_model (self->device_row));
  gtk_string_list_append (labels, label);
  g_ptr_array_add (self->device_values, g_steal_pointer (&current));
}

static void
populate_devices (TandemPreferencesWindow *self)
{
  g_auto(GStrv) devices = tandem_pa_list_output_devices ();
  g_autoptr(GtkStringList) labels = gtk_string_list_new (NULL);

  g_ptr_array_set_size (self->device_values, 0);
  gtk_string_list_append (labels, _("System Default"));
  g_ptr_array_add (self->device_values, g_strdup (""));

  for (guint i = 0; devices[i] != NULL; i++)
    {
      gtk_string_list_append (labels, devices[i]);
      g_ptr_array_add (self->device_values, g_strdup (devices[i]));
    }

  adw_combo_row_set_model (self->device_row, G_LIST_MODEL (labels));
  ensure_device_listed (self);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->device_row),
                               devices[0] == NULL
                               ? _("No output devices found: Tandem stays silent until one is "
                                   "connected")
                               : "");
}

static void
populate_buffer_sizes (TandemPreferencesWindow *self)
{
  g_autoptr(GtkStringList) labels = gtk_string_list_new (NULL);

  for (guint i = 0; buffer_values[i] != 0; i++)
    {
      /* Translators: a buffer size of the audio output, in frames */
      g_autofree char *label = g_strdup_printf (ngettext ("%u frame", "%u frames",
                                                          buffer_values[i]),
                                                buffer_values[i]);

      gtk_string_list_append (labels, label);
    }
  adw_combo_row_set_model (self->buffer_row, G_LIST_MODEL (labels));
}

static void
update_latency (TandemPreferencesWindow *self)
{
  guint rate = g_settings_get_uint (self->settings, "sample-rate");
  guint frames = g_settings_get_uint (self->settings, "buffer-size");
  g_autofree char *subtitle = NULL;

  /* Translators: the delay one audio buffer adds, e.g. “5.3 ms latency” */
  subtitle = g_strdup_printf (_("%.1f ms latency"), 1000.0 * frames / MAX (rate, 1));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->buffer_row), subtitle);
}

static void
ensure_swatch_style (void)
{
  static gboolean loaded;
  g_autoptr(GString) css = NULL;
  g_autoptr(GtkCssProvider) provider = NULL;

  if (loaded || gdk_display_get_default () == NULL)
    return;
  loaded = TRUE;

  css = g_string_new (".color-swatch { min-width: 28px; min-height: 28px; padding: 0;"
                      " border-radius: 9999px; box-shadow: inset 0 0 0 1px alpha(black, 0.15); }"
                      ".color-swatch image { color: white; opacity: 0; }"
                      ".color-swatch:checked image { opacity: 1; }"
                      ".color-swatch:checked { box-shadow: inset 0 0 0 1px alpha(black, 0.15),"
                      " 0 0 0 2px @accent_color; }");
  for (guint i = 0; i < G_N_ELEMENTS (swatches); i++)
    g_string_append_printf (css, ".color-swatch.swatch-%u { background: %s; }",
                            i, swatches[i].color);

  provider = gtk_css_provider_new ();
  gtk_css_provider_load_from_data (provider, css->str, -1);
  gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                              GTK_STYLE_PROVIDER (provider),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
}

static void
build_swatches (TandemPreferencesWindow *self)
{
  ensure_swatch_style ();

  for (guint i = 0; i < G_N_ELEMENTS (swatches); i++)
    {
      g_autofree char *style_class = g_strdup_printf ("swatch-%u", i);
      GtkWidget *button = gtk_toggle_button_new ();

      gtk_button_set_icon_name (GTK_BUTTON (button), "object-select-symbolic");
      gtk_widget_add_css_class (button, "color-swatch");
      gtk_widget_add_css_class (button, style_class);
      gtk_widget_set_tooltip_text (button, _(swatches[i].name));
      gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, _(swatches[i].name),
                                      -1);
      /* A stateful settings action makes the swatches a radio group. */
      gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "prefs.display-color");
      gtk_actionable_set_action_target_value (GTK_ACTIONABLE (button),
                                              g_variant_new_string (swatches[i].color));
      gtk_box_append (GTK_BOX (self->swatch_box), button);
    }

  /* GtkColorDialogButton replaces it in GTK 4.10; 4.8 is what we build against. */
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  self->custom_color_button = gtk_color_button_new ();
  gtk_color_chooser_set_use_alpha (GTK_COLOR_CHOOSER (self->custom_color_button), FALSE);
  gtk_color_button_set_title (GTK_COLOR_BUTTON (self->custom_color_button), _("Your Colour"));
  G_GNUC_END_IGNORE_DEPRECATIONS
  gtk_widget_set_tooltip_text (self->custom_color_button, _("Other Colour…"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->custom_color_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Other Colour…"),
                                  -1);
  gtk_box_append (GTK_BOX (self->swatch_box), self->custom_color_button);
}

static void
bind_settings (TandemPreferencesWindow *self)
{
  g_autoptr(GSimpleActionGroup) group = g_simple_action_group_new ();
  g_autoptr(GAction) color_action = g_settings_create_action (self->settings, "display-color");
  const char *real_name = g_get_real_name ();

  g_settings_bind_with_mapping (self->settings, "color-scheme", self->style_row, "selected",
                                G_SETTINGS_BIND_DEFAULT, style_get_mapping, style_set_mapping,
                                NULL, NULL);

  populate_devices (self);
  /* Before the binding's own handler, so the new value has a row to select. */
  g_signal_connect_object (self->settings, "changed::audio-device",
                           G_CALLBACK (ensure_device_listed), self, G_CONNECT_SWAPPED);
  g_settings_bind_with_mapping (self->settings, "audio-device", self->device_row, "selected",
                                G_SETTINGS_BIND_DEFAULT, device_get_mapping, device_set_mapping,
                                self, NULL);

  g_settings_bind_with_mapping (self->settings, "sample-rate", self->rate_row, "selected",
                                G_SETTINGS_BIND_DEFAULT, nearest_get_mapping, nearest_set_mapping,
                                (gpointer) rate_values, NULL);
  populate_buffer_sizes (self);
  g_settings_bind_with_mapping (self->settings, "buffer-size", self->buffer_row, "selected",
                                G_SETTINGS_BIND_DEFAULT, nearest_get_mapping, nearest_set_mapping,
                                (gpointer) buffer_values, NULL);
  g_signal_connect_object (self->settings, "changed::sample-rate",
                           G_CALLBACK (update_latency), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->settings, "changed::buffer-size",
                           G_CALLBACK (update_latency), self, G_CONNECT_SWAPPED);
  update_latency (self);

  g_settings_bind (self->settings, "metronome", self->metronome_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "metronome-while-playing", self->metronome_playing_switch,
                   "active", G_SETTINGS_BIND_DEFAULT);
  /* "While playing" only means something with the metronome on. */
  g_settings_bind (self->settings, "metronome", self->metronome_playing_switch, "sensitive",
                   G_SETTINGS_BIND_GET);

  /* An empty name means the account's real name, so that is the hint. */
  if (real_name == NULL || real_name[0] == '\0' || g_str_equal (real_name, "Unknown"))
    real_name = g_get_user_name ();
  gtk_entry_set_placeholder_text (self->name_entry, real_name);
  g_settings_bind (self->settings, "display-name", self->name_entry, "text",
                   G_SETTINGS_BIND_DEFAULT);

  build_swatches (self);
  g_action_map_add_action (G_ACTION_MAP (group), color_action);
  gtk_widget_insert_action_group (GTK_WIDGET (self), "prefs", G_ACTION_GROUP (group));
  g_settings_bind_with_mapping (self->settings, "display-color",
                                self->custom_color_button, "rgba",
                                G_SETTINGS_BIND_DEFAULT, color_get_mapping, color_set_mapping,
                                NULL, NULL);
}

/* ---- GObject -------------------------------------------------------------- */

static void
tandem_preferences_window_constructed (GObject *object)
{
  TandemPreferencesWindow *self = TANDEM_PREFERENCES_WINDOW (object);

  G_OBJECT_CLASS (tandem_preferences_window_parent_class)->constructed (object);

  if (self->settings == NULL)
    self->settings = g_settings_new (APP_ID);
  bind_settings (self);
}

static void
tandem_preferences_window_dispose (GObject *object)
{
  TandemPreferencesWindow *self = TANDEM_PREFERENCES_WINDOW (object);

  /* The bindings' mappings read device_values: end them first. */
  if (self->device_row != NULL)
    g_settings_unbind (self->device_row, "selected");
  gtk_widget_dispose_template (GTK_WIDGET (self), TANDEM_TYPE_PREFERENCES_WINDOW);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (tandem_preferences_window_parent_class)->dispose (object);
}

static void
tandem_preferences_window_finalize (GObject *object)
{
  TandemPreferencesWindow *self = TANDEM_PREFERENCES_WINDOW (object);

  g_clear_pointer (&self->device_values, g_ptr_array_unref);

  G_OBJECT_CLASS (tandem_preferences_window_parent_class)->finalize (object);
}

static void
tandem_preferences_window_get_property (GObject    *object,
                                        guint       prop_id,
                                        GValue     *value,
                                        GParamSpec *pspec)
{
  TandemPreferencesWindow *self = TANDEM_PREFERENCES_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SETTINGS:
      g_value_set_object (value, self->settings);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tandem_preferences_window_set_property (GObject      *object,
                                        guint         prop_id,
                                        const GValue *value,
                                        GParamSpec   *pspec)
{
  TandemPreferencesWindow *self = TANDEM_PREFERENCES_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SETTINGS:
      self->settings = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tandem_preferences_window_class_init (TandemPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = tandem_preferences_window_constructed;
  object_class->dispose = tandem_preferences_window_dispose;
  object_class->finalize = tandem_preferences_window_finalize;
  object_class->get_property = tandem_preferences_window_get_property;
  object_class->set_property = tandem_preferences_window_set_property;

  properties[PROP_SETTINGS] =
    g_param_spec_object ("settings", NULL, NULL, G_TYPE_SETTINGS,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PATH "/tandem-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, TandemPreferencesWindow, style_row);
  gtk_widget_class_bind_template_child (widget_class, TandemPreferencesWindow, device_row);
  gtk_widget_class_bind_template_child (widget_class, TandemPreferencesWindow, rate_row);
  gtk_widget_class_bind_template_child (widget_class, TandemPreferencesWindow, buffer_row);
  gtk_widget_class_bind_template_child (widget_class, TandemPreferencesWindow, name_entry);
  gtk_widget_class_bind_template_child (widget_class, TandemPreferencesWindow, swatch_box);
  gtk_widget_class_bind_template_child (widget_class, TandemPreferencesWindow, metronome_switch);
  gtk_widget_class_bind_template_child (widget_class, TandemPreferencesWindow,
                                        metronome_playing_switch);
}

static void
tandem_preferences_window_init (TandemPreferencesWindow *self)
{
  self->device_values = g_ptr_array_new_with_free_func (g_free);
  gtk_widget_init_template (GTK_WIDGET (self));
}

/**
 * tandem_preferences_window_new:
 * @settings: (nullable): the app's settings; NULL for a new GSettings
 *
 * Returns: (transfer full): a new preferences window
 */
GtkWidget *
tandem_preferences_window_new (GSettings *settings)
{
  g_return_val_if_fail (settings == NULL || G_IS_SETTINGS (settings), NULL);

  return g_object_new (TANDEM_TYPE_PREFERENCES_WINDOW, "settings", settings, NULL);
}
