//! Placeholder: the plumbing helper implements Request/Response/Transport/ReqwestTransport here.
