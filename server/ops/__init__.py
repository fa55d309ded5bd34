"""Operations: health, metrics, structured logs with request ids."""
