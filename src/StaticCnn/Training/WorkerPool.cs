using System;
using System.Runtime.ExceptionServices;
using System.Threading;

namespace StaticCnn.Training;

/// <summary>
/// A fixed set of threads that run one piece of work per worker index and wait for all: worker 0 is the calling
/// thread, workers 1..n-1 are dedicated background threads created once. A <see cref="Run"/> allocates nothing.
/// The first exception by worker index is rethrown on the calling thread after every worker has finished.
/// </summary>
internal sealed class WorkerPool : IDisposable
{
    private readonly Thread[] _threads;
    private readonly ManualResetEventSlim[] _start;
    private readonly CountdownEvent _done;
    private readonly Exception?[] _errors;
    private Action<int>? _work;
    private volatile bool _disposed;

    public WorkerPool(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        Count = count;
        _threads = new Thread[count];
        _start = new ManualResetEventSlim[count];
        _errors = new Exception?[count];
        _done = new CountdownEvent(1);
        for (int i = 1; i < count; i++)
        {
            _start[i] = new ManualResetEventSlim(false);
            _threads[i] = new Thread(Loop) { IsBackground = true, Name = $"StaticCnn trainer worker {i}" };
            _threads[i].Start(i);
        }
    }

    public int Count { get; }

    public void Run(Action<int> work)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (Count == 1)
        {
            work(0);
            return;
        }

        _work = work;
        _done.Reset(Count - 1);
        for (int i = 1; i < Count; i++)
        {
            _start[i].Set();
        }

        try
        {
            work(0);
        }
        catch (Exception e)
        {
            _errors[0] = e;
        }

        _done.Wait();
        _work = null;
        for (int i = 0; i < Count; i++)
        {
            Exception? error = _errors[i];
            if (error is not null)
            {
                Array.Clear(_errors);
                ExceptionDispatchInfo.Capture(error).Throw();
            }
        }
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        for (int i = 1; i < Count; i++)
        {
            _start[i].Set();
        }

        for (int i = 1; i < Count; i++)
        {
            _threads[i].Join();
            _start[i].Dispose();
        }

        _done.Dispose();
    }

    private void Loop(object? state)
    {
        int index = (int)state!;
        while (true)
        {
            _start[index].Wait();
            _start[index].Reset();
            if (_disposed)
            {
                return;
            }

            try
            {
                _work!(index);
            }
            catch (Exception e)
            {
                _errors[index] = e;
            }
            finally
            {
                _done.Signal();
            }
        }
    }
}
