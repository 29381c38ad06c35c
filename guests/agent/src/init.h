/* init.h — the guests' /init, in the same program as xenlive-agent */
#ifndef XENLIVE_INIT_H
#define XENLIVE_INIT_H

/* xenlive-agent's main() hands over to this when it runs as init (its name
 * is "init"): as PID 1, the guest's init (init.c); otherwise udhcpc's event
 * script, argv[1] the event.  Returns an exit status (PID 1 never returns). */
int guest_init(int argc, char **argv);

#endif
