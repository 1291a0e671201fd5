/* tandem-window-knock.c — letting in those who knock, while the window owns its session
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-ui"

#include "config.h"

#include "tandem-invite.h"
#include "tandem-knock-prompt.h"
#include "tandem-window-private.h"

static char *
token_of_link (const char *link)
{
  g_autoptr(TandemInvite) invite = link != NULL ? tandem_invite_parse (link, NULL) : NULL;

  return invite != NULL ? g_strdup (invite->token) : NULL;
}

/* The owner hands out the session's own tokens: the server keeps only
 * their hashes. This window has them when it hosts, in the app or on a
 * server; an owner who joined with a link alone has only its own. */
void
_tandem_window_knock_update (TandemWindow *self)
{
  gboolean owner = self->client != NULL
                   && g_strcmp0 (tandem_sync_client_get_role (self->client), "owner") == 0;
  g_autofree char *editor = NULL;
  g_autofree char *viewer = NULL;

  if (!owner)
    {
      g_clear_object (&self->knock_prompt);
      return;
    }
  if (self->knock_prompt != NULL)
    return;
  if (self->host != NULL)
    {
      editor = g_strdup (tandem_session_host_get_token (self->host, TANDEM_ROLE_EDITOR));
      viewer = g_strdup (tandem_session_host_get_token (self->host, TANDEM_ROLE_VIEWER));
    }
  else if (self->remote_session != NULL)
    {
      editor = token_of_link (self->remote_session->links[TANDEM_ROLE_EDITOR]);
      viewer = token_of_link (self->remote_session->links[TANDEM_ROLE_VIEWER]);
    }
  if (editor != NULL && viewer != NULL)
    self->knock_prompt = tandem_knock_prompt_new (GTK_WINDOW (self), self->client, editor,
                                                  viewer);
}
