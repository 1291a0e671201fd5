/* tandem-host-certificate.c — the in-app host's self-signed TLS certificate, made with GnuTLS
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-sync"

#include "config.h"

#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <string.h>

#include <glib/gstdio.h>
#include <gnutls/gnutls.h>
#include <gnutls/crypto.h>
#include <gnutls/x509.h>

#include "tandem-host-certificate.h"

#define VALID_DAYS        3650
#define RENEW_BEFORE_DAYS 30

G_DEFINE_AUTO_CLEANUP_FREE_FUNC (gnutls_x509_crt_t, gnutls_x509_crt_deinit, NULL)
G_DEFINE_AUTO_CLEANUP_FREE_FUNC (gnutls_x509_privkey_t, gnutls_x509_privkey_deinit, NULL)

char *
tandem_host_certificate_default_path (void)
{
  return g_build_filename (g_get_user_data_dir (), "tandem", "host-certificate.pem", NULL);
}

static gboolean
gnutls_failed (GError    **error,
               const char *what,
               int         rc)
{
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "Cannot make the host's certificate (%s): %s",
               what, gnutls_strerror (rc));
  return FALSE;
}

static int
add_host (gnutls_x509_crt_t crt,
          const char       *host)
{
  g_autoptr(GInetAddress) inet = g_inet_address_new_from_string (host);

  if (inet != NULL)
    return gnutls_x509_crt_set_subject_alt_name (crt, GNUTLS_SAN_IPADDRESS,
                                                 g_inet_address_to_bytes (inet),
                                                 g_inet_address_get_native_size (inet),
                                                 GNUTLS_FSAN_APPEND);
  return gnutls_x509_crt_set_subject_alt_name (crt, GNUTLS_SAN_DNSNAME, host, strlen (host),
                                               GNUTLS_FSAN_APPEND);
}

static char *
export_pem (gnutls_x509_crt_t     crt,
            gnutls_x509_privkey_t key,
            GError              **error)
{
  gnutls_datum_t cert_pem = { NULL, 0 }, key_pem = { NULL, 0 };
  char *text = NULL;
  int rc;

  if ((rc = gnutls_x509_crt_export2 (crt, GNUTLS_X509_FMT_PEM, &cert_pem)) < 0)
    gnutls_failed (error, "export", rc);
  /* PKCS #8 ("BEGIN PRIVATE KEY"): the form every GLib TLS backend reads. */
  else if ((rc = gnutls_x509_privkey_export2_pkcs8 (key, GNUTLS_X509_FMT_PEM, NULL,
                                                    GNUTLS_PKCS_PLAIN, &key_pem)) < 0)
    gnutls_failed (error, "export the key", rc);
  else
    text = g_strdup_printf ("%.*s%.*s", (int) cert_pem.size, cert_pem.data, (int) key_pem.size,
                            key_pem.data);
  if (key_pem.data)
    {
      explicit_bzero (key_pem.data, key_pem.size);
      gnutls_free (key_pem.data);
    }
  gnutls_free (cert_pem.data);
  return text;
}

char *
tandem_host_certificate_generate_pem (const char *const *hosts,
                                      gint64             not_before,
                                      gint64             not_after,
                                      GError           **error)
{
  g_auto(gnutls_x509_crt_t) crt = NULL;
  g_auto(gnutls_x509_privkey_t) key = NULL;
  const char *cn = hosts && hosts[0] ? hosts[0] : "Tandem host";
  guint8 serial[16];
  int rc;

  if ((rc = gnutls_x509_privkey_init (&key)) < 0
      || (rc = gnutls_x509_privkey_generate (key, GNUTLS_PK_ECDSA,
                                             GNUTLS_CURVE_TO_BITS (GNUTLS_ECC_CURVE_SECP256R1),
                                             0)) < 0)
    {
      gnutls_failed (error, "key", rc);
      return NULL;
    }
  if ((rc = gnutls_x509_crt_init (&crt)) < 0
      || (rc = gnutls_rnd (GNUTLS_RND_NONCE, serial, sizeof serial)) < 0)
    {
      gnutls_failed (error, "init", rc);
      return NULL;
    }
  serial[0] &= 0x7f;   /* a positive serial number */
  if ((rc = gnutls_x509_crt_set_version (crt, 3)) < 0
      || (rc = gnutls_x509_crt_set_serial (crt, serial, sizeof serial)) < 0
      || (rc = gnutls_x509_crt_set_activation_time (crt, (time_t) not_before)) < 0
      || (rc = gnutls_x509_crt_set_expiration_time (crt, (time_t) not_after)) < 0
      || (rc = gnutls_x509_crt_set_dn_by_oid (crt, GNUTLS_OID_X520_COMMON_NAME, 0, cn,
                                              strlen (cn))) < 0
      || (rc = gnutls_x509_crt_set_key (crt, key)) < 0
      || (rc = gnutls_x509_crt_set_basic_constraints (crt, 0, -1)) < 0
      || (rc = gnutls_x509_crt_set_key_usage (crt, GNUTLS_KEY_DIGITAL_SIGNATURE)) < 0
      || (rc = gnutls_x509_crt_set_key_purpose_oid (crt, GNUTLS_KP_TLS_WWW_SERVER, 0)) < 0)
    {
      gnutls_failed (error, "fields", rc);
      return NULL;
    }
  for (guint i = 0; hosts && hosts[i]; i++)
    if (*hosts[i] && (rc = add_host (crt, hosts[i])) < 0)
      {
        gnutls_failed (error, hosts[i], rc);
        return NULL;
      }
  if ((rc = gnutls_x509_crt_sign2 (crt, crt, key, GNUTLS_DIG_SHA256, 0)) < 0)
    {
      gnutls_failed (error, "signature", rc);
      return NULL;
    }
  return export_pem (crt, key, error);
}

/* The names and addresses people may reach this machine by. */
static GPtrArray *
machine_hosts (const char *const *extra)
{
  GPtrArray *hosts = g_ptr_array_new_with_free_func (g_free);
  const char *name = g_get_host_name ();
  struct ifaddrs *ifs = NULL;

  for (guint i = 0; extra && extra[i]; i++)
    {
      g_autoptr(GInetAddress) inet = g_inet_address_new_from_string (extra[i]);

      /* A wildcard bind address ("0.0.0.0", "::") names no host. */
      if (inet == NULL || !g_inet_address_get_is_any (inet))
        g_ptr_array_add (hosts, g_strdup (extra[i]));
    }
  g_ptr_array_add (hosts, g_strdup ("localhost"));
  g_ptr_array_add (hosts, g_strdup ("127.0.0.1"));
  g_ptr_array_add (hosts, g_strdup ("::1"));
  if (name && *name && !g_hostname_is_ip_address (name))
    {
      g_ptr_array_add (hosts, g_strdup (name));
      if (strchr (name, '.') == NULL)
        g_ptr_array_add (hosts, g_strconcat (name, ".local", NULL));
    }
  if (getifaddrs (&ifs) == 0)
    {
      for (struct ifaddrs *i = ifs; i; i = i->ifa_next)
        {
          g_autoptr(GSocketAddress) addr = NULL;
          GInetAddress *inet;

          if (i->ifa_addr == NULL || (i->ifa_flags & IFF_LOOPBACK)
              || (i->ifa_addr->sa_family != AF_INET && i->ifa_addr->sa_family != AF_INET6))
            continue;
          addr = g_socket_address_new_from_native (i->ifa_addr, i->ifa_addr->sa_family == AF_INET
                                                                ? sizeof (struct sockaddr_in)
                                                                : sizeof (struct sockaddr_in6));
          if (addr == NULL || !G_IS_INET_SOCKET_ADDRESS (addr))
            continue;
          inet = g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (addr));
          if (!g_inet_address_get_is_link_local (inet))
            g_ptr_array_add (hosts, g_inet_address_to_string (inet));
        }
      freeifaddrs (ifs);
    }
  /* Names that are not valid in a certificate are left out, not refused. */
  for (guint i = hosts->len; i > 0; i--)
    {
      const char *h = hosts->pdata[i - 1];

      if (strchr (h, '%') != NULL || strchr (h, ' ') != NULL || strlen (h) > 253)
        g_ptr_array_remove_index (hosts, i - 1);
    }
  g_ptr_array_add (hosts, NULL);
  return hosts;
}

static gboolean
still_good (GTlsCertificate *certificate)
{
  g_autoptr(GDateTime) until = g_tls_certificate_get_not_valid_after (certificate);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) soon = g_date_time_add_days (now, RENEW_BEFORE_DAYS);

  return until != NULL && g_date_time_compare (until, soon) > 0;
}

GTlsCertificate *
tandem_host_certificate_load_or_create (const char         *path,
                                        const char *const  *hosts,
                                        GError            **error)
{
  g_autoptr(GTlsCertificate) certificate = NULL;
  g_autoptr(GError) load_error = NULL;
  g_autoptr(GPtrArray) all_hosts = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *pem = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  g_return_val_if_fail (path != NULL, NULL);
  if (g_file_test (path, G_FILE_TEST_EXISTS))
    {
      certificate = g_tls_certificate_new_from_file (path, &load_error);
      if (certificate != NULL && still_good (certificate))
        return g_steal_pointer (&certificate);
      g_message ("Making a new host certificate: %s", certificate == NULL ? load_error->message
                                                      : "the old one is about to expire");
      g_clear_object (&certificate);
    }
  all_hosts = machine_hosts (hosts);
  /* An hour back, for clocks a little behind ours. */
  pem = tandem_host_certificate_generate_pem ((const char *const *) all_hosts->pdata, now - 3600,
                                              now + (gint64) VALID_DAYS * 24 * 3600, error);
  if (pem == NULL)
    return NULL;
  dir = g_path_get_dirname (path);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "Cannot create %s: %s", dir,
                   g_strerror (saved));
      explicit_bzero (pem, strlen (pem));
      return NULL;
    }
  /* Written whole or not at all, readable by this user only: it holds the key. */
  if (!g_file_set_contents_full (path, pem, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600, error))
    {
      explicit_bzero (pem, strlen (pem));
      return NULL;
    }
  certificate = g_tls_certificate_new_from_pem (pem, -1, error);
  explicit_bzero (pem, strlen (pem));
  return g_steal_pointer (&certificate);
}
