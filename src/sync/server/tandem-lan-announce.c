/* tandem-lan-announce.c — `_tandem._tcp` through avahi-client
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-sync"

#include "config.h"

#include <avahi-client/client.h>
#include <avahi-client/publish.h>
#include <avahi-common/alternative.h>
#include <avahi-common/error.h>
#include <avahi-common/malloc.h>
#include <avahi-glib/glib-watch.h>
#include <string.h>

#include "tandem-lan-announce.h"
#include "tandem-protocol.h"

struct _TandemLanAnnounce
{
  AvahiGLibPoll   *poll;
  AvahiClient     *client;
  AvahiEntryGroup *group;
  char            *service_name;   /* may gain " #2" on a collision */
  char            *session_id;
  char            *session_name;
  char            *host_name;
  char            *fingerprint;
  guint16          port;
  gboolean         published;
  gboolean         told_no_daemon;
};

/* TXT values are cut to a bound on a UTF-8 boundary. */
static char *
bounded (const char *text)
{
  const char *end;

  if (text == NULL)
    return g_strdup ("");
  if (strlen (text) <= TANDEM_LAN_TXT_MAX)
    return g_utf8_make_valid (text, -1);
  end = g_utf8_find_prev_char (text, text + TANDEM_LAN_TXT_MAX + 1);
  return g_utf8_make_valid (text, end ? end - text : 0);
}

static void publish (TandemLanAnnounce *self);

static void
group_cb (AvahiEntryGroup      *group,
          AvahiEntryGroupState  state,
          void                 *data)
{
  TandemLanAnnounce *self = data;

  switch (state)
    {
    case AVAHI_ENTRY_GROUP_ESTABLISHED:
      self->published = TRUE;
      g_debug ("Announced “%s” on the network", self->service_name);
      break;
    case AVAHI_ENTRY_GROUP_COLLISION:
      {
        char *other = avahi_alternative_service_name (self->service_name);

        g_free (self->service_name);
        self->service_name = g_strdup (other);
        avahi_free (other);
        avahi_entry_group_reset (group);
        /* Published again by the next commit below. */
        self->published = FALSE;
      }
      G_GNUC_FALLTHROUGH;
    case AVAHI_ENTRY_GROUP_UNCOMMITED:
      break;
    case AVAHI_ENTRY_GROUP_FAILURE:
      g_debug ("Could not announce the session: %s",
               avahi_strerror (avahi_client_errno (avahi_entry_group_get_client (group))));
      break;
    case AVAHI_ENTRY_GROUP_REGISTERING:
    default:
      break;
    }
  if (state == AVAHI_ENTRY_GROUP_COLLISION)
    publish (self);
}

static AvahiStringList *
make_txt (TandemLanAnnounce *self)
{
  g_autofree char *session = bounded (self->session_name);
  g_autofree char *host = bounded (self->host_name);
  AvahiStringList *txt = NULL;

  txt = avahi_string_list_add_pair (txt, TANDEM_LAN_TXT_VERSION,
                                    G_STRINGIFY (TANDEM_PROTOCOL_VERSION));
  txt = avahi_string_list_add_pair (txt, TANDEM_LAN_TXT_ID, self->session_id);
  txt = avahi_string_list_add_pair (txt, TANDEM_LAN_TXT_SESSION, session);
  txt = avahi_string_list_add_pair (txt, TANDEM_LAN_TXT_HOST, host);
  if (self->fingerprint)
    txt = avahi_string_list_add_pair (txt, TANDEM_LAN_TXT_FP, self->fingerprint);
  return txt;
}

static void
publish (TandemLanAnnounce *self)
{
  AvahiStringList *txt;
  int ret;

  if (self->client == NULL || avahi_client_get_state (self->client) != AVAHI_CLIENT_S_RUNNING)
    return;
  if (self->group == NULL)
    self->group = avahi_entry_group_new (self->client, group_cb, self);
  if (self->group == NULL)
    return;

  txt = make_txt (self);
  if (avahi_entry_group_is_empty (self->group))
    {
      for (;;)
        {
          char *other;

          ret = avahi_entry_group_add_service_strlst (self->group, AVAHI_IF_UNSPEC,
                                                      AVAHI_PROTO_UNSPEC, 0,
                                                      self->service_name,
                                                      TANDEM_LAN_SERVICE_TYPE,
                                                      NULL, NULL, self->port, txt);
          if (ret != AVAHI_ERR_COLLISION)
            break;
          other = avahi_alternative_service_name (self->service_name);
          g_free (self->service_name);
          self->service_name = g_strdup (other);
          avahi_free (other);
        }
      if (ret >= 0)
        ret = avahi_entry_group_commit (self->group);
    }
  else
    ret = avahi_entry_group_update_service_txt_strlst (self->group, AVAHI_IF_UNSPEC,
                                                       AVAHI_PROTO_UNSPEC, 0,
                                                       self->service_name,
                                                       TANDEM_LAN_SERVICE_TYPE,
                                                       NULL, txt);
  avahi_string_list_free (txt);
  if (ret < 0)
    g_debug ("Could not announce the session: %s", avahi_strerror (ret));
}

static void
client_cb (AvahiClient      *client,
           AvahiClientState  state,
           void             *data)
{
  TandemLanAnnounce *self = data;

  self->client = client;   /* called from inside avahi_client_new() too */
  switch (state)
    {
    case AVAHI_CLIENT_S_RUNNING:
      publish (self);
      break;
    case AVAHI_CLIENT_S_COLLISION:
    case AVAHI_CLIENT_S_REGISTERING:
      self->published = FALSE;
      if (self->group)
        avahi_entry_group_reset (self->group);
      break;
    case AVAHI_CLIENT_FAILURE:
    case AVAHI_CLIENT_CONNECTING:
    default:
      self->published = FALSE;
      if (!self->told_no_daemon)
        g_debug ("No Avahi daemon: the session is not announced on the network");
      self->told_no_daemon = TRUE;
      break;
    }
}

TandemLanAnnounce *
tandem_lan_announce_new (const char *session_id,
                         const char *session_name,
                         const char *host_name,
                         guint16     port,
                         const char *fingerprint)
{
  TandemLanAnnounce *self = g_new0 (TandemLanAnnounce, 1);
  int error = 0;

  g_return_val_if_fail (session_id != NULL, NULL);

  self->session_id = g_strdup (session_id);
  self->session_name = bounded (session_name ? session_name : "Tandem session");
  self->host_name = bounded (host_name ? host_name : g_get_real_name ());
  self->service_name = g_strdup_printf ("%s (%s)", self->session_name, self->host_name);
  if (strlen (self->service_name) > 60)   /* DNS labels stop at 63 bytes */
    {
      char *cut = bounded (self->session_name);
      g_free (self->service_name);
      self->service_name = g_utf8_substring (cut, 0, 20);
      g_free (cut);
    }
  self->fingerprint = g_strdup (fingerprint);
  self->port = port;
  self->poll = avahi_glib_poll_new (g_main_context_get_thread_default (), G_PRIORITY_DEFAULT);
  /* NO_FAIL: wait for a daemon that starts later rather than give up. */
  self->client = avahi_client_new (avahi_glib_poll_get (self->poll), AVAHI_CLIENT_NO_FAIL,
                                   client_cb, self, &error);
  if (self->client == NULL && !self->told_no_daemon)
    {
      g_debug ("No Avahi daemon: %s", avahi_strerror (error));
      self->told_no_daemon = TRUE;
    }
  return self;
}

void
tandem_lan_announce_set_names (TandemLanAnnounce *self,
                               const char        *session_name,
                               const char        *host_name)
{
  g_return_if_fail (self != NULL);
  if (session_name)
    {
      g_free (self->session_name);
      self->session_name = bounded (session_name);
    }
  if (host_name)
    {
      g_free (self->host_name);
      self->host_name = bounded (host_name);
    }
  publish (self);
}

gboolean
tandem_lan_announce_is_published (TandemLanAnnounce *self)
{
  return self->published;
}

void
tandem_lan_announce_free (TandemLanAnnounce *self)
{
  if (self == NULL)
    return;
  if (self->group)
    avahi_entry_group_free (self->group);
  if (self->client)
    avahi_client_free (self->client);
  if (self->poll)
    avahi_glib_poll_free (self->poll);
  g_free (self->service_name);
  g_free (self->session_id);
  g_free (self->session_name);
  g_free (self->host_name);
  g_free (self->fingerprint);
  g_free (self);
}
