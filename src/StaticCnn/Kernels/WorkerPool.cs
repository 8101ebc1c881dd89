using System;
using System.Threading;

namespace StaticCnn.Kernels;

/// <summary>
/// A fixed set of background threads that run one piece of work each, plus the calling thread as worker 0.
/// <see cref="Run"/> allocates nothing: the work is a delegate created once by the caller.
/// </summary>
public sealed class WorkerPool : IDisposable
{
    private readonly Thread[] _threads;
    private readonly SemaphoreSlim[] _start;
    private readonly object _gate = new();
    private int _pending;
    private Action<int>? _work;
    private Exception? _error;
    private volatile bool _disposed;

    /// <summary>Starts <paramref name="workers"/> - 1 background threads (the caller is worker 0).</summary>
    public WorkerPool(int workers)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(workers, 1);
        Count = workers;
        _threads = new Thread[workers];
        _start = new SemaphoreSlim[workers];
        for (int i = 1; i < workers; i++)
        {
            int worker = i;
            _start[i] = new SemaphoreSlim(0);
            _threads[i] = new Thread(() => Loop(worker)) { IsBackground = true, Name = $"StaticCnn worker {i}" };
            _threads[i].Start();
        }
    }

    /// <summary>Workers, the calling thread included.</summary>
    public int Count { get; }

    /// <summary>Runs <paramref name="work"/>(w) for every worker w in parallel and returns when all are done.</summary>
    public void Run(Action<int> work)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _work = work;
        _error = null;
        if (Count > 1)
        {
            lock (_gate)
            {
                _pending = Count - 1;
            }

            for (int i = 1; i < Count; i++)
            {
                _start[i].Release();
            }
        }

        Exception? own = null;
        try
        {
            work(0);
        }
        catch (Exception e)
        {
            own = e;
        }

        // A plain monitor wait: unlike CountdownEvent, it allocates nothing the first time it blocks.
        lock (_gate)
        {
            while (_pending > 0)
            {
                Monitor.Wait(_gate);
            }
        }

        _work = null;
        Exception? failure = own ?? _error;
        if (failure is not null)
        {
            throw new AggregateException("A batch worker failed.", failure);
        }
    }

    /// <summary>Stops the background threads.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        for (int i = 1; i < Count; i++)
        {
            _start[i].Release();
        }
    }

    private void Loop(int worker)
    {
        while (true)
        {
            _start[worker].Wait();
            if (_disposed)
            {
                return;
            }

            try
            {
                _work!(worker);
            }
            catch (Exception e)
            {
                _error = e;
            }
            finally
            {
                lock (_gate)
                {
                    if (--_pending == 0)
                    {
                        Monitor.PulseAll(_gate);
                    }
                }
            }
        }
    }
}
