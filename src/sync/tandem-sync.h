/* tandem-sync.h — all of the sync layer at once (protocol, server, client), for tests and benchmarks that play both ends
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "tandem-bar-scheduler.h"
#include "tandem-clock.h"
#include "tandem-evolution-driver.h"
#include "tandem-history-read.h"
#include "tandem-hosted-sessions.h"
#include "tandem-invite.h"
#include "tandem-journal.h"
#include "tandem-knock.h"
#include "tandem-participant.h"
#include "tandem-presence.h"
#include "tandem-protocol.h"
#include "tandem-rate-limit.h"
#include "tandem-remote-host.h"
#include "tandem-rhythm-stream.h"
#include "tandem-sample-transfers.h"
#include "tandem-session-host.h"
#include "tandem-session-server.h"
#include "tandem-sync-client.h"
#include "tandem-sync-client-history.h"
#include "tandem-sync-client-resume.h"
#include "tandem-transport.h"
