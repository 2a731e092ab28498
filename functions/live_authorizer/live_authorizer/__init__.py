"""The Live WebSocket API's $connect authorizer: a Cognito ID token, verified against the pool's keys."""
