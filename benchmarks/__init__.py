"""miready's benchmarks: ``python -m benchmarks [NAME ...] [--quick]``, one module each."""
