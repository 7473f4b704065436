package dev.twofa.wiring;

import java.util.function.Consumer;
import java.util.function.Supplier;

/** A value built once, on first use, thread-safely. */
final class Lazy<T> implements Supplier<T> {
    private final Supplier<T> factory;
    private volatile T value;

    Lazy(Supplier<T> factory) {
        this.factory = factory;
    }

    @Override
    public T get() {
        T v = value;
        if (v == null) {
            synchronized (this) {
                v = value;
                if (v == null) {
                    v = factory.get();
                    value = v;
                }
            }
        }
        return v;
    }

    /** Runs {@code action} on the value if it was built, never building it (priming only what a function uses). */
    void ifBuilt(Consumer<T> action) {
        T v = value;
        if (v != null) {
            action.accept(v);
        }
    }
}
