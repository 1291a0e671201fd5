/* tandem-knock-prompt.h — the owner's "NAME wants to join" questions, one at a time
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "tandem-sync-client.h"

G_BEGIN_DECLS

#define TANDEM_TYPE_KNOCK_PROMPT (tandem_knock_prompt_get_type ())
G_DECLARE_FINAL_TYPE (TandemKnockPrompt, tandem_knock_prompt, TANDEM, KNOCK_PROMPT, GObject)

/* Listens to @client (the session's owner) for knocks and asks about each,
 * in a dialog transient for @parent: Deny, Allow as Listener or Allow as
 * Editor, answered with @viewer_token or @editor_token (the session's
 * tokens for those roles). Knocks queue; one that ends unanswered (the
 * knocker gave up, or the server's timeout passed) leaves the queue, and
 * its dialog closes. Dropping the prompt closes its dialog without
 * answering. */
TandemKnockPrompt *tandem_knock_prompt_new            (GtkWindow        *parent,
                                                       TandemSyncClient *client,
                                                       const char       *editor_token,
                                                       const char       *viewer_token);
/* The dialog shown now, NULL when nobody waits. */
GtkWindow         *tandem_knock_prompt_get_dialog     (TandemKnockPrompt *self);
/* How many knocks wait, the one asked about now included. */
guint              tandem_knock_prompt_get_n_waiting  (TandemKnockPrompt *self);

G_END_DECLS
