/* tandem-knock-prompt.c — the owner's "NAME wants to join" questions, one at a time
 *
 * Someone who found the session on the local network has no token: the
 * server asks the owner (docs/protocol.md "Knocking"), and this asks the
 * person at the owner's window. Two people knocking at once get two
 * questions in turn rather than two dialogs stacked on each other.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-ui"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "tandem-knock-prompt.h"

typedef struct
{
  char *id;
  char *name;
} Knock;

struct _TandemKnockPrompt
{
  GObject           parent_instance;

  GtkWindow        *parent;   /* weak */
  TandemSyncClient *client;
  char             *tokens[2];  /* the editors', the listeners' */
  GQueue            waiting;    /* Knock, oldest first; the head is asked about */
  AdwMessageDialog *dialog;     /* asks about the head; NULL when none waits */
};

G_DEFINE_FINAL_TYPE (TandemKnockPrompt, tandem_knock_prompt, G_TYPE_OBJECT)

static void
knock_free (Knock *knock)
{
  g_free (knock->id);
  g_free (knock->name);
  g_free (knock);
}

static void show_next (TandemKnockPrompt *self);

/* Closes the dialog without answering: whatever closing it says is not
 * the owner's answer. */
static void
drop_dialog (TandemKnockPrompt *self)
{
  AdwMessageDialog *dialog = g_steal_pointer (&self->dialog);

  if (dialog == NULL)
    return;
  g_signal_handlers_disconnect_by_data (dialog, self);
  gtk_window_destroy (GTK_WINDOW (dialog));
}

static void
on_response (AdwMessageDialog  *dialog,
             const char        *response,
             TandemKnockPrompt *self)
{
  Knock *knock = g_queue_pop_head (&self->waiting);
  const char *role = NULL, *token = NULL;

  g_assert (knock != NULL && dialog == self->dialog);

  if (g_strcmp0 (response, "editor") == 0)
    role = "editor", token = self->tokens[0];
  else if (g_strcmp0 (response, "viewer") == 0)
    role = "viewer", token = self->tokens[1];
  tandem_sync_client_answer_knock (self->client, knock->id, token != NULL ? role : NULL, token);
  knock_free (knock);

  /* The dialog closes itself after a response. */
  g_signal_handlers_disconnect_by_data (dialog, self);
  self->dialog = NULL;
  show_next (self);
}

static void
show_next (TandemKnockPrompt *self)
{
  Knock *knock = g_queue_peek_head (&self->waiting);
  g_autofree char *heading = NULL;
  GtkWidget *dialog;

  if (knock == NULL || self->dialog != NULL || self->parent == NULL)
    return;

  /* Translators: %s is the name of the person who asks to come in */
  heading = g_strdup_printf (_("%s wants to join"), knock->name);
  dialog = adw_message_dialog_new (self->parent, heading,
                                   _("They found your session on this network."));
  /* The name comes from the network: text, never markup (the default). */
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "deny", _("_Deny"),
                                    "viewer", _("Allow as _Listener"),
                                    "editor", _("Allow as _Editor"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "editor",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "editor");
  /* Escape or the window's close: not now, so no. */
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "deny");
  self->dialog = ADW_MESSAGE_DIALOG (dialog);
  g_signal_connect (dialog, "response", G_CALLBACK (on_response), self);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_knock_received (TandemKnockPrompt *self,
                   const char        *id,
                   const char        *name)
{
  Knock *knock = g_new0 (Knock, 1);

  knock->id = g_strdup (id);
  knock->name = g_strdup (name);
  g_queue_push_tail (&self->waiting, knock);
  show_next (self);
}

/* The knocker gave up, the server stopped waiting, or another window of
 * the owner's answered: nobody is there to answer any more. */
static void
on_knock_ended (TandemKnockPrompt *self,
                const char        *id)
{
  for (GList *l = self->waiting.head; l != NULL; l = l->next)
    {
      Knock *knock = l->data;

      if (g_strcmp0 (knock->id, id) != 0)
        continue;
      if (l == self->waiting.head)
        drop_dialog (self);
      g_queue_delete_link (&self->waiting, l);
      knock_free (knock);
      show_next (self);
      return;
    }
}

static void
tandem_knock_prompt_dispose (GObject *object)
{
  TandemKnockPrompt *self = TANDEM_KNOCK_PROMPT (object);

  drop_dialog (self);
  g_queue_clear_full (&self->waiting, (GDestroyNotify) knock_free);
  if (self->client != NULL)
    g_signal_handlers_disconnect_by_data (self->client, self);
  g_clear_object (&self->client);
  g_clear_weak_pointer (&self->parent);
  G_OBJECT_CLASS (tandem_knock_prompt_parent_class)->dispose (object);
}

static void
tandem_knock_prompt_finalize (GObject *object)
{
  TandemKnockPrompt *self = TANDEM_KNOCK_PROMPT (object);

  for (guint i = 0; i < G_N_ELEMENTS (self->tokens); i++)
    g_free (self->tokens[i]);
  G_OBJECT_CLASS (tandem_knock_prompt_parent_class)->finalize (object);
}

static void
tandem_knock_prompt_class_init (TandemKnockPromptClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = tandem_knock_prompt_dispose;
  object_class->finalize = tandem_knock_prompt_finalize;
}

static void
tandem_knock_prompt_init (TandemKnockPrompt *self)
{
  g_queue_init (&self->waiting);
}

/**
 * tandem_knock_prompt_new:
 * @parent: the owner's window
 * @client: the owner's connection to the session
 * @editor_token: the session's token for editors
 * @viewer_token: the session's token for listeners
 *
 * Returns: (transfer full): a prompt that asks as knocks come
 */
TandemKnockPrompt *
tandem_knock_prompt_new (GtkWindow        *parent,
                         TandemSyncClient *client,
                         const char       *editor_token,
                         const char       *viewer_token)
{
  TandemKnockPrompt *self;

  g_return_val_if_fail (GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (TANDEM_IS_SYNC_CLIENT (client), NULL);
  g_return_val_if_fail (editor_token != NULL && viewer_token != NULL, NULL);

  self = g_object_new (TANDEM_TYPE_KNOCK_PROMPT, NULL);
  g_set_weak_pointer (&self->parent, parent);
  self->client = g_object_ref (client);
  self->tokens[0] = g_strdup (editor_token);
  self->tokens[1] = g_strdup (viewer_token);
  g_signal_connect_swapped (client, "knock-received", G_CALLBACK (on_knock_received), self);
  g_signal_connect_swapped (client, "knock-ended", G_CALLBACK (on_knock_ended), self);
  return self;
}

GtkWindow *
tandem_knock_prompt_get_dialog (TandemKnockPrompt *self)
{
  g_return_val_if_fail (TANDEM_IS_KNOCK_PROMPT (self), NULL);

  return self->dialog != NULL ? GTK_WINDOW (self->dialog) : NULL;
}

guint
tandem_knock_prompt_get_n_waiting (TandemKnockPrompt *self)
{
  g_return_val_if_fail (TANDEM_IS_KNOCK_PROMPT (self), 0);

  return self->waiting.length;
}
