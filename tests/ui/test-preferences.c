/* test-preferences.c — the preferences window reads and writes the app's settings
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "ui-test-utils.h"

#include <adwaita.h>

#include "tandem-preferences-window.h"

typedef struct
{
  GSettings *settings;
  GtkWidget *window;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  const char *device = data;

  if (!tandem_test_have_display ())
    {
      g_test_skip ("no display");
      return;
    }

  /* GSETTINGS_BACKEND=memory: every test starts from the defaults. */
  f->settings = g_settings_new (APP_ID);
  if (device != NULL)
    g_settings_set_string (f->settings, "audio-device", device);

  f->window = tandem_preferences_window_new (f->settings);
  gtk_window_present (GTK_WINDOW (f->window));
  while (!tandem_test_is_mapped (f->window) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (tandem_test_is_mapped (f->window));
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  tandem_test_destroy_window (f->window);
  if (f->settings != NULL)
    {
      g_autoptr(GSettingsSchema) schema = NULL;
      g_auto(GStrv) keys = NULL;

      g_object_get (f->settings, "settings-schema", &schema, NULL);
      keys = g_settings_schema_list_keys (schema);
      for (guint i = 0; keys[i] != NULL; i++)
        g_settings_reset (f->settings, keys[i]);
    }
  g_clear_object (&f->settings);
}

static gboolean
is_row_titled (GtkWidget     *widget,
               gconstpointer  title)
{
  return ADW_IS_PREFERENCES_ROW (widget) &&
         tandem_test_label_is (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)),
                               title);
}

/* The preferences row under @widget titled @title (mnemonics aside). */
static GtkWidget *
find_row (GtkWidget  *widget,
          const char *title)
{
  return tandem_test_find_widget_matching (widget, is_row_titled, title);
}

static AdwComboRow *
combo (Fixture    *f,
       const char *title)
{
  GtkWidget *row = find_row (f->window, title);

  g_assert_true (ADW_IS_COMBO_ROW (row));
  return ADW_COMBO_ROW (row);
}

static char *
selected_label (AdwComboRow *row)
{
  GtkStringObject *item = adw_combo_row_get_selected_item (row);

  return g_strdup (gtk_string_object_get_string (item));
}

static void
test_style (Fixture       *f,
            gconstpointer  data)
{
  AdwComboRow *row;
  g_autofree char *scheme = NULL;
  g_autofree char *label = NULL;

  if (f->window == NULL)
    return;
  row = combo (f, "Style");

  g_assert_cmpuint (adw_combo_row_get_selected (row), ==, 0);
  adw_combo_row_set_selected (row, 2);
  scheme = g_settings_get_string (f->settings, "color-scheme");
  g_assert_cmpstr (scheme, ==, "dark");

  /* And the other way: a change made elsewhere shows. */
  g_settings_set_string (f->settings, "color-scheme", "light");
  label = selected_label (row);
  g_assert_cmpstr (label, ==, "Light");
}

static void
test_audio (Fixture       *f,
            gconstpointer  data)
{
  AdwComboRow *rate, *buffer, *device;
  g_autofree char *label = NULL;
  g_autofree char *value = NULL;

  if (f->window == NULL)
    return;
  rate = combo (f, "Sample Rate");
  buffer = combo (f, "Buffer Size");
  device = combo (f, "Output Device");

  label = selected_label (rate);
  g_assert_cmpstr (label, ==, "48 kHz");
  adw_combo_row_set_selected (rate, 2);
  g_assert_cmpuint (g_settings_get_uint (f->settings, "sample-rate"), ==, 96000);

  g_clear_pointer (&label, g_free);
  label = selected_label (buffer);
  g_assert_cmpstr (label, ==, "256 frames");
  adw_combo_row_set_selected (buffer, 0);
  g_assert_cmpuint (g_settings_get_uint (f->settings, "buffer-size"), ==, 64);
  /* 64 frames at 96 kHz. */
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (buffer)), ==,
                   "0.7 ms latency");

  /* A value the range allows but the row does not list shows as the nearest. */
  g_settings_set_uint (f->settings, "buffer-size", 1000);
  g_assert_cmpuint (adw_combo_row_get_selected (buffer), ==, 4);

  /* The first device is always the system's default output: the empty key. */
  g_assert_cmpuint (adw_combo_row_get_selected (device), ==, 0);
  g_clear_pointer (&label, g_free);
  label = selected_label (device);
  g_assert_cmpstr (label, ==, "System Default");
  g_settings_set_string (f->settings, "audio-device", "JACK: system");
  adw_combo_row_set_selected (device, 0);
  value = g_settings_get_string (f->settings, "audio-device");
  g_assert_cmpstr (value, ==, "");
}

static void
test_missing_device (Fixture       *f,
                     gconstpointer  data)
{
  AdwComboRow *device;
  g_autofree char *label = NULL;
  g_autofree char *value = NULL;
  guint n;

  if (f->window == NULL)
    return;
  device = combo (f, "Output Device");

  /* The device chosen earlier is unplugged: it stays listed and chosen. */
  label = selected_label (device);
  g_assert_cmpstr (label, ==, "USB Headset (Not Connected)");
  n = g_list_model_get_n_items (adw_combo_row_get_model (device));
  g_assert_cmpuint (adw_combo_row_get_selected (device), ==, n - 1);

  adw_combo_row_set_selected (device, 0);
  adw_combo_row_set_selected (device, n - 1);
  value = g_settings_get_string (f->settings, "audio-device");
  g_assert_cmpstr (value, ==, "USB Headset");
}

static void
test_identity (Fixture       *f,
               gconstpointer  data)
{
  GtkWidget *name_row, *entry, *color_row;
  g_autofree char *name = NULL;
  g_autofree char *color = NULL;
  GtkWidget *swatch;

  if (f->window == NULL)
    return;
  name_row = find_row (f->window, "Display Name");
  g_assert_nonnull (name_row);
  entry = tandem_test_find_widget (name_row, GTK_TYPE_ENTRY, NULL);
  g_assert_nonnull (entry);

  /* Empty means the account's name, which the entry suggests. */
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, "");
  g_assert_nonnull (gtk_entry_get_placeholder_text (GTK_ENTRY (entry)));
  gtk_editable_set_text (GTK_EDITABLE (entry), "Ana");
  name = g_settings_get_string (f->settings, "display-name");
  g_assert_cmpstr (name, ==, "Ana");

  /* The swatches are a radio group over the colour key. */
  color_row = find_row (f->window, "Colour");
  g_assert_nonnull (color_row);
  swatch = tandem_test_find_widget (color_row, GTK_TYPE_TOGGLE_BUTTON, NULL);
  g_assert_nonnull (swatch);
  g_assert_true (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (swatch)));  /* #3584e4 */
  swatch = gtk_widget_get_next_sibling (gtk_widget_get_next_sibling (
                                          gtk_widget_get_next_sibling (swatch)));
  g_signal_emit_by_name (swatch, "clicked");
  color = g_settings_get_string (f->settings, "display-color");
  g_assert_cmpstr (color, ==, "#ff7800");
  g_assert_true (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (swatch)));
  g_assert_false (gtk_toggle_button_get_active (
    GTK_TOGGLE_BUTTON (tandem_test_find_widget (color_row, GTK_TYPE_TOGGLE_BUTTON, NULL))));

  /* A colour of one's own goes through the colour button, as #rrggbb. */
  {
    GdkRGBA rgba = { 0.5f, 0.25f, 1.0f, 1.0f };
    GtkWidget *button = tandem_test_find_widget (color_row, GTK_TYPE_COLOR_BUTTON, NULL);

    g_assert_nonnull (button);
    gtk_color_chooser_set_rgba (GTK_COLOR_CHOOSER (button), &rgba);
    g_clear_pointer (&color, g_free);
    color = g_settings_get_string (f->settings, "display-color");
    g_assert_cmpstr (color, ==, "#8040ff");
    g_assert_false (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (swatch)));
  }
}

static GtkSwitch *
row_switch (Fixture    *f,
            const char *title)
{
  GtkWidget *row = find_row (f->window, title);

  g_assert_nonnull (row);
  return GTK_SWITCH (tandem_test_find_widget (row, GTK_TYPE_SWITCH, NULL));
}

/* The metronome's two switches are the two settings; "while playing" only
 * applies with the metronome on. */
static void
test_metronome (Fixture       *f,
                gconstpointer  data)
{
  GtkSwitch *on, *playing;

  if (f->window == NULL)
    return;
  on = row_switch (f, "Count In");
  playing = row_switch (f, "Also While Playing");
  g_assert_false (gtk_switch_get_active (on));
  g_assert_false (gtk_widget_get_sensitive (GTK_WIDGET (playing)));

  gtk_switch_set_active (on, TRUE);
  g_assert_true (g_settings_get_boolean (f->settings, "metronome"));
  g_assert_true (gtk_widget_get_sensitive (GTK_WIDGET (playing)));
  gtk_switch_set_active (playing, TRUE);
  g_assert_true (g_settings_get_boolean (f->settings, "metronome-while-playing"));

  /* And the other way: the transport bar's toggle writes the setting. */
  g_settings_set_boolean (f->settings, "metronome", FALSE);
  g_assert_false (gtk_switch_get_active (on));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  tandem_test_init_gtk ();

#define ADD(path, func, data) \
  g_test_add ("/preferences/" path, Fixture, data, fixture_setup, func, fixture_teardown)
  ADD ("style", test_style, NULL);
  ADD ("audio", test_audio, NULL);
  ADD ("missing-device", test_missing_device, "USB Headset");
  ADD ("identity", test_identity, NULL);
  ADD ("metronome", test_metronome, NULL);
#undef ADD

  return g_test_run ();
}
