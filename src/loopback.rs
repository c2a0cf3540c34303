//! Serving an axum app on a loopback listener with the limits every local
//! server of this tool needs: a client must finish its request headers
//! within [`HEADER_READ_TIMEOUT`] (so half-sent requests and idle
//! keep-alive connections are dropped and cannot starve the form), and the
//! server stops gracefully when told.
//!
//! A base module (see docs/architecture.md): it imports only base modules.

use std::time::Duration;

use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::watch;

/// How long a connection may take to send a request's headers, counted
/// from when the server starts waiting for them (a new connection, or the
/// end of the previous answer on a kept-alive one).
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);

/// After the stop, how long requests already on their way (a second Save
/// racing the first) are still read and answered, before connections close.
const GRACE: Duration = Duration::from_millis(250);

/// Serves `app` on `listener` until `stop` turns true. Requests already on
/// their way are still read and answered for [`GRACE`] (so a racing second
/// Save is told it lost, not cut off); then each connection finishes its
/// current request and closes, and this returns once all have (3 s at most).
pub async fn serve(listener: TcpListener, app: axum::Router, mut stop: watch::Receiver<bool>) {
    let mut connections = tokio::task::JoinSet::new();
    let mut closing: Option<tokio::time::Instant> = None;
    loop {
        let accepted = match closing {
            None => tokio::select! {
                accepted = listener.accept() => accepted,
                () = stopped(&mut stop) => {
                    closing = Some(tokio::time::Instant::now() + GRACE);
                    continue;
                }
                Some(_) = connections.join_next(), if !connections.is_empty() => continue,
            },
            Some(until) => match tokio::time::timeout_at(until, listener.accept()).await {
                Ok(accepted) => accepted,
                Err(_) => break,
            },
        };
        let Ok((stream, _)) = accepted else {
            // Out of file descriptors or a connection reset before accept:
            // wait a moment rather than spin.
            tokio::time::sleep(Duration::from_millis(20)).await;
            continue;
        };
        let service = TowerToHyperService::new(app.clone());
        let mut stop = stop.clone();
        connections.spawn(async move {
            let connection = hyper::server::conn::http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(HEADER_READ_TIMEOUT)
                .serve_connection(TokioIo::new(stream), service);
            tokio::pin!(connection);
            tokio::select! {
                _ = connection.as_mut() => return,
                () = stopped(&mut stop) => {}
            }
            if tokio::time::timeout(GRACE, connection.as_mut())
                .await
                .is_ok()
            {
                return;
            }
            connection.as_mut().graceful_shutdown();
            let _ = tokio::time::timeout(Duration::from_secs(3), connection).await;
        });
    }
    while connections.join_next().await.is_some() {}
}

/// Resolves once `stop` turns true (or its sender is gone).
async fn stopped(stop: &mut watch::Receiver<bool>) {
    let _ = stop.wait_for(|s| *s).await;
}
