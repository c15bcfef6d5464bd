// SIGTERM and SIGINT taken synchronously by one thread, for daemons that must stop cleanly.
#ifndef DM_COMMON_TERMINATION_SIGNALS_H_
#define DM_COMMON_TERMINATION_SIGNALS_H_

namespace dm {

// Blocks SIGTERM and SIGINT in the calling thread and every thread it starts afterwards (call it
// first in main, before gRPC starts its threads), so that none of them is interrupted; also
// ignores SIGPIPE, which a peer closing a socket would otherwise deliver.
void BlockTerminationSignals();

// Waits until SIGTERM or SIGINT arrives and returns its number. Requires BlockTerminationSignals.
int WaitForTerminationSignal();

}  // namespace dm

#endif  // DM_COMMON_TERMINATION_SIGNALS_H_
