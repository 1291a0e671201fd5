/* tandem-lan-browser.c — browse and resolve `_tandem._tcp` with Avahi
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-sync"

#include "config.h"

#include <avahi-client/client.h>
#include <avahi-client/lookup.h>
#include <avahi-common/error.h>
#include <avahi-common/malloc.h>
#include <avahi-glib/glib-watch.h>
#include <string.h>

#include "tandem-certificate-pin.h"
#include "tandem-invite.h"
#include "tandem-lan-browser-private.h"
#include "tandem-protocol.h"

/* The announcer's TXT keys and bound (tandem-lan-announce.h, server side). */
#define TXT_MAX 200
#define SERVICE_TYPE "_tandem._tcp"
/* A LAN with more sessions than this is not a LAN we list. */
#define MAX_SESSIONS 64

struct _TandemLanSession
{
  GObject  parent_instance;
  char    *key;          /* interface/service name */
  guint    transports;   /* transport_bit()s: over which Avahi has seen it */
  char    *name;
  char    *host_name;
  char    *session_id;
  char    *address;
  gboolean ipv6;         /* @address is an IPv6 one */
  guint16  port;
  char    *fingerprint;
};

G_DEFINE_FINAL_TYPE (TandemLanSession, tandem_lan_session, G_TYPE_OBJECT)

static void
tandem_lan_session_finalize (GObject *object)
{
  TandemLanSession *self = TANDEM_LAN_SESSION (object);

  g_free (self->key);
  g_free (self->name);
  g_free (self->host_name);
  g_free (self->session_id);
  g_free (self->address);
  g_free (self->fingerprint);
  G_OBJECT_CLASS (tandem_lan_session_parent_class)->finalize (object);
}

static void
tandem_lan_session_class_init (TandemLanSessionClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = tandem_lan_session_finalize;
}

static void
tandem_lan_session_init (TandemLanSession *self)
{
}

const char *tandem_lan_session_get_name (TandemLanSession *self) { return self->name; }
const char *tandem_lan_session_get_host_name (TandemLanSession *self) { return self->host_name; }
const char *tandem_lan_session_get_session_id (TandemLanSession *self) { return self->session_id; }
const char *tandem_lan_session_get_address (TandemLanSession *self) { return self->address; }
guint16 tandem_lan_session_get_port (TandemLanSession *self) { return self->port; }
const char *tandem_lan_session_get_fingerprint (TandemLanSession *self) { return self->fingerprint; }

struct _TandemLanBrowser
{
  GObject              parent_instance;
  AvahiGLibPoll       *poll;
  AvahiClient         *client;
  AvahiServiceBrowser *browser;
  GPtrArray           *items;   /* of TandemLanSession */
  /* key → Resolvers, kept so a renamed session (new TXT) is seen */
  GHashTable          *resolvers;
};

/* A service's two lookups, for its IPv4 address and for its IPv6 one: a
 * host on an IPv6-only network has no IPv4 address to find, and one on
 * both is listed at its IPv4 address. NULL once a lookup failed. */
typedef struct
{
  AvahiServiceResolver *v4;
  AvahiServiceResolver *v6;
} Resolvers;

static void
resolvers_free (Resolvers *r)
{
  if (r->v4)
    avahi_service_resolver_free (r->v4);
  if (r->v6)
    avahi_service_resolver_free (r->v6);
  g_free (r);
}

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (TandemLanBrowser, tandem_lan_browser, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

static GType
get_item_type (GListModel *model)
{
  return TANDEM_TYPE_LAN_SESSION;
}

static guint
get_n_items (GListModel *model)
{
  return TANDEM_LAN_BROWSER (model)->items->len;
}

static gpointer
get_item (GListModel *model,
          guint       position)
{
  TandemLanBrowser *self = TANDEM_LAN_BROWSER (model);

  if (position >= self->items->len)
    return NULL;
  return g_object_ref (g_ptr_array_index (self->items, position));
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = get_item_type;
  iface->get_n_items = get_n_items;
  iface->get_item = get_item;
}

static char *
make_key (AvahiIfIndex     iface,
          AvahiProtocol    protocol,
          const char      *name)
{
  return g_strdup_printf ("%d/%d/%s", iface, protocol, name);
}

/* A service seen over IPv4 and over IPv6 is listed once. */
static guint
transport_bit (AvahiProtocol protocol)
{
  return protocol == AVAHI_PROTO_INET6 ? 2 : 1;
}

static char *
make_item_key (AvahiIfIndex  iface,
               const char   *name)
{
  return g_strdup_printf ("%d/%s", iface, name);
}

static gboolean
find (TandemLanBrowser *self,
      const char       *key,
      guint            *position)
{
  for (guint i = 0; i < self->items->len; i++)
    if (g_str_equal (((TandemLanSession *) g_ptr_array_index (self->items, i))->key, key))
      {
        *position = i;
        return TRUE;
      }
  return FALSE;
}

/* A TXT value, or NULL if missing, empty, too long or not UTF-8. */
static char *
txt_value (AvahiStringList *txt,
           const char      *key)
{
  AvahiStringList *pair = avahi_string_list_find (txt, key);
  char *k = NULL, *v = NULL;
  size_t size = 0;
  char *result = NULL;

  if (pair == NULL || avahi_string_list_get_pair (pair, &k, &v, &size) < 0)
    return NULL;
  if (v != NULL && size > 0 && size <= TXT_MAX && memchr (v, '\0', size) == NULL
      && g_utf8_validate (v, size, NULL))
    result = g_strndup (v, size);
  avahi_free (k);
  avahi_free (v);
  return result;
}

TandemLanSession *
_tandem_lan_session_new_from_txt (const char      *service_name,
                                  const char      *host,
                                  const char      *address,
                                  guint16          port,
                                  AvahiStringList *txt)
{
  g_autoptr(TandemLanSession) item = g_object_new (TANDEM_TYPE_LAN_SESSION, NULL);
  g_autofree char *version = txt_value (txt, "v");
  guint8 fp[TANDEM_FINGERPRINT_SIZE];

  if (g_strcmp0 (version, G_STRINGIFY (TANDEM_PROTOCOL_VERSION)) != 0 || port == 0)
    return NULL;
  item->session_id = txt_value (txt, "id");
  /* The id goes into a link: only what links allow. */
  if (item->session_id == NULL || !tandem_invite_is_valid_session_id (item->session_id))
    return NULL;
  item->fingerprint = txt_value (txt, "fp");
  /* A pin that does not parse is no reason to connect without one. */
  if (item->fingerprint != NULL && !tandem_fingerprint_parse (item->fingerprint, fp))
    return NULL;
  item->name = txt_value (txt, "session");
  item->host_name = txt_value (txt, "host");
  if (item->name == NULL)
    item->name = g_utf8_make_valid (service_name, -1);
  if (item->host_name == NULL)
    item->host_name = g_utf8_make_valid (host, -1);
  item->address = g_strdup (address);
  item->port = port;
  return g_steal_pointer (&item);
}

static void
resolve_cb (AvahiServiceResolver   *resolver,
            AvahiIfIndex            iface,
            AvahiProtocol           protocol,
            AvahiResolverEvent      event,
            const char             *name,
            const char             *type,
            const char             *domain,
            const char             *host,
            const AvahiAddress     *address,
            uint16_t                port,
            AvahiStringList        *txt,
            AvahiLookupResultFlags  flags,
            void                   *data)
{
  TandemLanBrowser *self = data;
  g_autoptr(TandemLanSession) item = NULL;
  char text[AVAHI_ADDRESS_STR_MAX];
  guint position;

  if (event != AVAHI_RESOLVER_FOUND)
    {
      g_autofree char *key = make_key (iface, protocol, name);
      Resolvers *r = g_hash_table_lookup (self->resolvers, key);

      if (r == NULL)
        return;
      if (r->v4 == resolver)
        r->v4 = NULL;
      else if (r->v6 == resolver)
        r->v6 = NULL;
      else
        return;
      avahi_service_resolver_free (resolver);
      if (r->v4 == NULL && r->v6 == NULL)
        g_hash_table_remove (self->resolvers, key);
      return;
    }

  avahi_address_snprint (text, sizeof text, address);
  /* Link-local IPv6 needs its interface, which links cannot carry yet. */
  if (address->proto == AVAHI_PROTO_INET6 && g_str_has_prefix (text, "fe80"))
    return;
  item = _tandem_lan_session_new_from_txt (name, host, text, port, txt);
  if (item == NULL)
    {
      g_debug ("Ignoring the network service “%s”: not a Tandem session we can join", name);
      return;
    }
  item->key = make_item_key (iface, name);
  item->ipv6 = address->proto == AVAHI_PROTO_INET6;
  item->transports = transport_bit (protocol);

  if (find (self, item->key, &position))
    {
      TandemLanSession *old = g_ptr_array_index (self->items, position);

      item->transports |= old->transports;
      /* IPv4 first: an IPv6 address only updates an IPv6 listing. */
      if (item->ipv6 && !old->ipv6)
        {
          old->transports = item->transports;
          return;
        }
      g_ptr_array_index (self->items, position) = g_object_ref (item);
      g_object_unref (old);
      g_list_model_items_changed (G_LIST_MODEL (self), position, 1, 1);
    }
  else if (self->items->len < MAX_SESSIONS)
    {
      g_ptr_array_add (self->items, g_object_ref (item));
      g_list_model_items_changed (G_LIST_MODEL (self), self->items->len - 1, 0, 1);
    }
}

static void
browse_cb (AvahiServiceBrowser    *browser,
           AvahiIfIndex            iface,
           AvahiProtocol           protocol,
           AvahiBrowserEvent       event,
           const char             *name,
           const char             *type,
           const char             *domain,
           AvahiLookupResultFlags  flags,
           void                   *data)
{
  TandemLanBrowser *self = data;
  g_autofree char *key = NULL;
  guint position;

  switch (event)
    {
    case AVAHI_BROWSER_NEW:
      {
        Resolvers *r;

        key = make_key (iface, protocol, name);
        if (g_hash_table_contains (self->resolvers, key)
            || g_hash_table_size (self->resolvers) >= MAX_SESSIONS)
          break;
        /* The resolvers stay: they report TXT changes (renames) as they
         * come. IPv6 addresses are joined like IPv4 ones since no address
         * goes out as a TLS server name (tandem-soup-target.h). */
        r = g_new0 (Resolvers, 1);
        r->v4 = avahi_service_resolver_new (self->client, iface, protocol, name, type, domain,
                                            AVAHI_PROTO_INET, 0, resolve_cb, self);
        r->v6 = avahi_service_resolver_new (self->client, iface, protocol, name, type, domain,
                                            AVAHI_PROTO_INET6, 0, resolve_cb, self);
        if (r->v4 == NULL && r->v6 == NULL)
          {
            g_debug ("Could not resolve “%s”: %s", name,
                     avahi_strerror (avahi_client_errno (self->client)));
            g_free (r);
          }
        else
          g_hash_table_insert (self->resolvers, g_steal_pointer (&key), r);
      }
      break;
    case AVAHI_BROWSER_REMOVE:
      {
        g_autofree char *item_key = make_item_key (iface, name);
        TandemLanSession *item;

        key = make_key (iface, protocol, name);
        g_hash_table_remove (self->resolvers, key);
        if (!find (self, item_key, &position))
          break;
        /* Gone over both IPv4 and IPv6 (when seen over both): gone. */
        item = g_ptr_array_index (self->items, position);
        item->transports &= ~transport_bit (protocol);
        if (item->transports == 0)
          {
            g_ptr_array_remove_index (self->items, position);
            g_list_model_items_changed (G_LIST_MODEL (self), position, 1, 0);
          }
      }
      break;
    case AVAHI_BROWSER_FAILURE:
      g_debug ("Browsing the network failed: %s",
               avahi_strerror (avahi_client_errno (self->client)));
      break;
    default:
      break;
    }
}

static void
clear (TandemLanBrowser *self)
{
  guint n = self->items->len;

  g_hash_table_remove_all (self->resolvers);
  if (self->browser)
    avahi_service_browser_free (g_steal_pointer (&self->browser));
  g_ptr_array_set_size (self->items, 0);
  if (n > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, n, 0);
}

static void
client_cb (AvahiClient      *client,
           AvahiClientState  state,
           void             *data)
{
  TandemLanBrowser *self = data;

  self->client = client;
  if (state == AVAHI_CLIENT_S_RUNNING && self->browser == NULL)
    {
      self->browser = avahi_service_browser_new (client, AVAHI_IF_UNSPEC, AVAHI_PROTO_UNSPEC,
                                                 SERVICE_TYPE, NULL, 0, browse_cb, self);
      if (self->browser == NULL)
        g_debug ("Could not browse the network: %s", avahi_strerror (avahi_client_errno (client)));
    }
  else if (state == AVAHI_CLIENT_FAILURE || state == AVAHI_CLIENT_CONNECTING)
    clear (self);
}

static void
tandem_lan_browser_dispose (GObject *object)
{
  TandemLanBrowser *self = TANDEM_LAN_BROWSER (object);

  g_clear_pointer (&self->resolvers, g_hash_table_unref);
  if (self->browser)
    avahi_service_browser_free (g_steal_pointer (&self->browser));
  if (self->client)
    avahi_client_free (g_steal_pointer (&self->client));
  if (self->poll)
    avahi_glib_poll_free (g_steal_pointer (&self->poll));
  g_clear_pointer (&self->items, g_ptr_array_unref);
  G_OBJECT_CLASS (tandem_lan_browser_parent_class)->dispose (object);
}

static void
tandem_lan_browser_class_init (TandemLanBrowserClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = tandem_lan_browser_dispose;
}

static void
tandem_lan_browser_init (TandemLanBrowser *self)
{
  self->items = g_ptr_array_new_with_free_func (g_object_unref);
  self->resolvers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                           (GDestroyNotify) resolvers_free);
}

TandemLanBrowser *
tandem_lan_browser_new (void)
{
  TandemLanBrowser *self = g_object_new (TANDEM_TYPE_LAN_BROWSER, NULL);
  int error = 0;

  self->poll = avahi_glib_poll_new (g_main_context_get_thread_default (), G_PRIORITY_DEFAULT);
  /* NO_FAIL: sessions appear once a daemon starts. */
  self->client = avahi_client_new (avahi_glib_poll_get (self->poll), AVAHI_CLIENT_NO_FAIL,
                                   client_cb, self, &error);
  if (self->client == NULL)
    g_debug ("No Avahi daemon: %s", avahi_strerror (error));
  return self;
}
