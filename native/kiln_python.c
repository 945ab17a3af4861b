// kiln's native Python: the host's CPython embedded in Node through Node-API.
//
// One interpreter per process, owned by the thread that called start() (it holds the GIL for
// good: nothing else in the process runs Python). Values cross by the same rules as kiln's
// Pyodide bridge: None/bool/int/float/str are converted; JavaScript arrays, Sets, Maps, plain
// objects and Uint8Arrays arrive in Python as list, set, dict and bytes; other JavaScript values
// arrive as JsRef objects (attributes and calls reach JavaScript); Python containers and other
// objects stay Python objects on the JavaScript side (instances of the PyRef class given to
// start) unless wrapped with _kiln_native.to_js(), which asks for a deep conversion.

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <dlfcn.h>
#include <fcntl.h>
#include <math.h>
#include <node_api.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static napi_env g_env;
static int g_started;
static napi_ref g_pyref_class;       // JS class of Python objects
static napi_ref g_python_error_class;  // JS class of errors raised by Python
static napi_ref g_set_class, g_map_class, g_object_proto;
static napi_ref g_entries;           // (Set|Map) => Array of its items / [key, value] pairs
static napi_ref g_make_set;          // (Array) => Set
static PyObject *g_js_exception;     // _kiln_native.JsException
static PyObject *g_format_exception; // traceback.format_exception

static const napi_type_tag PYREF_TAG = {0x6b696c6e70797265ULL, 0x6631000000000001ULL};

// Python objects released by JavaScript's garbage collector wait here: a finaliser may not run
// Python code (a __del__ calling back into JavaScript), so they are released at the next call.
static PyObject **g_pending;
static size_t g_pending_len, g_pending_cap;

static void release_pending(void) {
  while (g_pending_len > 0) {
    PyObject *o = g_pending[--g_pending_len];
    Py_DECREF(o);
  }
}

#define NAPI_OK(call)                                                                 \
  do {                                                                                \
    if ((call) != napi_ok) {                                                          \
      napi_throw_error(env, NULL, "kiln native python: Node-API call failed: " #call); \
      return NULL;                                                                    \
    }                                                                                 \
  } while (0)

// ---- JsRef: a JavaScript value held by Python ----------------------------------------------

typedef struct {
  PyObject_HEAD napi_ref ref;
} JsRef;

static PyTypeObject JsRefType;
static PyTypeObject JsConvertType;

static napi_value to_js(napi_env env, PyObject *o);
static PyObject *to_py(napi_env env, napi_value v);
static PyObject *string_to_py(napi_env env, napi_value v);

static napi_value undefined_value(napi_env env) {
  napi_value undef;
  napi_get_undefined(env, &undef);
  return undef;
}

static napi_value ref_value(napi_env env, napi_ref ref) {
  napi_value v;
  napi_get_reference_value(env, ref, &v);
  return v;
}

static PyObject *make_jsref(napi_env env, napi_value v) {
  JsRef *self = PyObject_New(JsRef, &JsRefType);
  if (!self) return NULL;
  if (napi_create_reference(env, v, 1, &self->ref) != napi_ok) {
    self->ref = NULL;
    Py_DECREF(self);
    PyErr_SetString(PyExc_RuntimeError, "cannot keep a JavaScript value");
    return NULL;
  }
  return (PyObject *)self;
}

static void jsref_dealloc(JsRef *self) {
  if (self->ref) napi_delete_reference(g_env, self->ref);
  PyObject_Free(self);
}

/** Raise the pending JavaScript exception in Python as JsException (keeping the error). */
static PyObject *raise_js_exception(napi_env env) {
  napi_value err;
  if (napi_get_and_clear_last_exception(env, &err) != napi_ok) {
    PyErr_SetString(PyExc_RuntimeError, "JavaScript call failed");
    return NULL;
  }
  // The error's message, or the thrown value as a string.
  napi_value msg;
  napi_valuetype t = napi_undefined;
  napi_typeof(env, err, &t);
  bool has_message = t == napi_object && napi_get_named_property(env, err, "message", &msg) == napi_ok &&
                     napi_typeof(env, msg, &t) == napi_ok && t == napi_string;
  if (!has_message) napi_coerce_to_string(env, err, &msg);
  PyObject *text = string_to_py(env, msg);
  PyObject *exc = text ? PyObject_CallOneArg(g_js_exception, text) : NULL;
  Py_XDECREF(text);
  if (!exc) return NULL;
  PyObject *held = make_jsref(env, err);
  if (held) {
    PyObject_SetAttrString(exc, "js_error", held);
    Py_DECREF(held);
  }
  PyErr_SetObject((PyObject *)Py_TYPE(exc), exc);
  Py_DECREF(exc);
  return NULL;
}

static PyObject *jsref_call(JsRef *self, PyObject *args, PyObject *kwargs) {
  napi_env env = g_env;
  if (kwargs && PyDict_Size(kwargs) > 0) {
    PyErr_SetString(PyExc_TypeError, "JavaScript functions take no keyword arguments");
    return NULL;
  }
  napi_handle_scope scope;
  napi_open_handle_scope(env, &scope);
  Py_ssize_t n = PyTuple_GET_SIZE(args);
  napi_value argv_small[8];
  napi_value *argv = n <= 8 ? argv_small : PyMem_Malloc(sizeof(napi_value) * n);
  PyObject *result = NULL;
  for (Py_ssize_t i = 0; i < n; i++) {
    argv[i] = to_js(env, PyTuple_GET_ITEM(args, i));
    if (!argv[i]) goto done;
  }
  napi_value fn = ref_value(env, self->ref), ret;
  napi_status st = napi_call_function(env, undefined_value(env), fn, n, argv, &ret);
  if (st == napi_pending_exception || st != napi_ok) {
    bool pending = false;
    napi_is_exception_pending(env, &pending);
    if (pending)
      raise_js_exception(env);
    else
      PyErr_SetString(PyExc_TypeError, "JavaScript value is not callable");
    goto done;
  }
  result = to_py(env, ret);
done:
  if (argv != argv_small) PyMem_Free(argv);
  napi_close_handle_scope(env, scope);
  return result;
}

static PyObject *jsref_getattro(JsRef *self, PyObject *name) {
  PyObject *found = PyObject_GenericGetAttr((PyObject *)self, name);
  if (found || !PyErr_ExceptionMatches(PyExc_AttributeError)) return found;
  PyErr_Clear();
  napi_env env = g_env;
  napi_handle_scope scope;
  napi_open_handle_scope(env, &scope);
  const char *key = PyUnicode_AsUTF8(name);
  PyObject *result = NULL;
  napi_value obj = ref_value(env, self->ref), v;
  napi_valuetype t;
  if (key && napi_get_named_property(env, obj, key, &v) == napi_ok && napi_typeof(env, v, &t) == napi_ok) {
    if (t == napi_undefined)
      PyErr_SetObject(PyExc_AttributeError, name);
    else
      result = to_py(env, v);
  } else if (!PyErr_Occurred()) {
    PyErr_SetObject(PyExc_AttributeError, name);
  }
  napi_close_handle_scope(env, scope);
  return result;
}

static PyTypeObject JsRefType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "_kiln_native.JsRef",
    .tp_basicsize = sizeof(JsRef),
    .tp_dealloc = (destructor)jsref_dealloc,
    .tp_call = (ternaryfunc)jsref_call,
    .tp_getattro = (getattrofunc)jsref_getattro,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "A JavaScript value held by Python.",
};

// ---- JsConvert: a Python container to be converted deeply --------------------------------

typedef struct {
  PyObject_HEAD PyObject *value;
} JsConvert;

static void jsconvert_dealloc(JsConvert *self) {
  Py_XDECREF(self->value);
  PyObject_Free(self);
}

static PyTypeObject JsConvertType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "_kiln_native.JsConvert",
    .tp_basicsize = sizeof(JsConvert),
    .tp_dealloc = (destructor)jsconvert_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "A Python container that crosses into JavaScript converted.",
};

static PyObject *native_to_js(PyObject *mod, PyObject *value) {
  JsConvert *self = PyObject_New(JsConvert, &JsConvertType);
  if (!self) return NULL;
  Py_INCREF(value);
  self->value = value;
  return (PyObject *)self;
}

static PyMethodDef native_methods[] = {
    {"to_js", native_to_js, METH_O, "Ask for a deep conversion of a list, tuple, set or bytes."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef native_module = {PyModuleDef_HEAD_INIT, "_kiln_native", NULL, -1, native_methods};

static PyObject *init_native_module(void) {
  if (PyType_Ready(&JsRefType) < 0 || PyType_Ready(&JsConvertType) < 0) return NULL;
  PyObject *m = PyModule_Create(&native_module);
  if (!m) return NULL;
  g_js_exception = PyErr_NewException("_kiln_native.JsException", NULL, NULL);
  if (!g_js_exception) return NULL;
  Py_INCREF(g_js_exception);
  PyModule_AddObject(m, "JsException", g_js_exception);
  Py_INCREF(&JsRefType);
  PyModule_AddObject(m, "JsRef", (PyObject *)&JsRefType);
  return m;
}

// ---- conversions ---------------------------------------------------------------------------

static bool is_instance(napi_env env, napi_value v, napi_ref cls) {
  bool r = false;
  napi_instanceof(env, v, ref_value(env, cls), &r);
  return r;
}

static PyObject *string_to_py(napi_env env, napi_value v) {
  size_t len = 0;
  char small[256];
  if (napi_get_value_string_utf8(env, v, small, sizeof small, &len) != napi_ok) return NULL;
  // Node-API cuts a long string before a character that does not fit (up to 4 bytes of UTF-8),
  // so only a copy that left more room than that is known to be whole.
  if (len + 4 < sizeof small - 1) return PyUnicode_DecodeUTF8(small, len, "surrogatepass");
  napi_get_value_string_utf8(env, v, NULL, 0, &len);
  char *buf = PyMem_Malloc(len + 1);
  if (!buf) return PyErr_NoMemory();
  napi_get_value_string_utf8(env, v, buf, len + 1, &len);
  PyObject *s = PyUnicode_DecodeUTF8(buf, len, "surrogatepass");
  PyMem_Free(buf);
  return s;
}

static PyObject *array_to_list(napi_env env, napi_value arr) {
  uint32_t n = 0;
  napi_get_array_length(env, arr, &n);
  PyObject *list = PyList_New(n);
  if (!list) return NULL;
  for (uint32_t i = 0; i < n; i++) {
    napi_value item;
    napi_get_element(env, arr, i, &item);
    PyObject *o = to_py(env, item);
    if (!o) {
      Py_DECREF(list);
      return NULL;
    }
    PyList_SET_ITEM(list, i, o);
  }
  return list;
}

static PyObject *entries_of(napi_env env, napi_value v) {
  napi_value arr;
  if (napi_call_function(env, undefined_value(env), ref_value(env, g_entries), 1, &v, &arr) != napi_ok)
    return raise_js_exception(env);
  return array_to_list(env, arr);
}

static PyObject *to_py(napi_env env, napi_value v) {
  napi_valuetype t;
  if (napi_typeof(env, v, &t) != napi_ok) {
    PyErr_SetString(PyExc_RuntimeError, "unknown JavaScript value");
    return NULL;
  }
  switch (t) {
    case napi_undefined:
    case napi_null:
      Py_RETURN_NONE;
    case napi_boolean: {
      bool b;
      napi_get_value_bool(env, v, &b);
      return PyBool_FromLong(b);
    }
    case napi_number: {
      double x;
      napi_get_value_double(env, v, &x);
      if (x == trunc(x) && fabs(x) <= 9007199254740992.0 && !(x == 0 && signbit(x)))
        return PyLong_FromLongLong((long long)x);
      return PyFloat_FromDouble(x);
    }
    case napi_string:
      return string_to_py(env, v);
    case napi_bigint: {
      int64_t x;
      bool lossless;
      napi_get_value_bigint_int64(env, v, &x, &lossless);
      if (lossless) return PyLong_FromLongLong(x);
      napi_value s;
      napi_coerce_to_string(env, v, &s);
      PyObject *text = string_to_py(env, s);
      if (!text) return NULL;
      PyObject *r = PyLong_FromUnicodeObject(text, 10);
      Py_DECREF(text);
      return r;
    }
    case napi_object: {
      bool tagged = false;
      napi_check_object_type_tag(env, v, &PYREF_TAG, &tagged);
      if (tagged) {
        void *p = NULL;
        napi_unwrap(env, v, &p);
        Py_INCREF((PyObject *)p);
        return (PyObject *)p;
      }
      bool flag = false;
      napi_is_array(env, v, &flag);
      if (flag) return array_to_list(env, v);
      napi_is_typedarray(env, v, &flag);
      if (flag) {
        napi_typedarray_type tt;
        size_t length, offset;
        void *data;
        napi_value ab;
        napi_get_typedarray_info(env, v, &tt, &length, &data, &ab, &offset);
        if (tt == napi_uint8_array || tt == napi_int8_array || tt == napi_uint8_clamped_array)
          return PyBytes_FromStringAndSize(data, length);
        return make_jsref(env, v);
      }
      if (is_instance(env, v, g_set_class)) {
        PyObject *items = entries_of(env, v);
        if (!items) return NULL;
        PyObject *s = PySet_New(items);
        Py_DECREF(items);
        return s;
      }
      if (is_instance(env, v, g_map_class)) {
        PyObject *pairs = entries_of(env, v);
        if (!pairs) return NULL;
        PyObject *dict = PyDict_New();
        for (Py_ssize_t i = 0; dict && i < PyList_GET_SIZE(pairs); i++) {
          PyObject *pair = PyList_GET_ITEM(pairs, i);
          if (PyDict_SetItem(dict, PyList_GET_ITEM(pair, 0), PyList_GET_ITEM(pair, 1)) < 0) Py_CLEAR(dict);
        }
        Py_DECREF(pairs);
        return dict;
      }
      napi_value proto;
      napi_get_prototype(env, v, &proto);
      napi_valuetype pt;
      napi_typeof(env, proto, &pt);
      bool plain = pt == napi_null;
      if (!plain) napi_strict_equals(env, proto, ref_value(env, g_object_proto), &plain);
      if (plain) {
        napi_value keys;
        napi_get_property_names(env, v, &keys);
        uint32_t n = 0;
        napi_get_array_length(env, keys, &n);
        PyObject *dict = PyDict_New();
        for (uint32_t i = 0; dict && i < n; i++) {
          napi_value k, item;
          napi_get_element(env, keys, i, &k);
          napi_get_property(env, v, k, &item);
          PyObject *pk = to_py(env, k), *pv = pk ? to_py(env, item) : NULL;
          if (!pv || PyDict_SetItem(dict, pk, pv) < 0) Py_CLEAR(dict);
          Py_XDECREF(pk);
          Py_XDECREF(pv);
        }
        return dict;
      }
      return make_jsref(env, v);
    }
    default:
      return make_jsref(env, v);
  }
}

static void pyref_finalize(napi_env env, void *data, void *hint) {
  if (g_pending_len == g_pending_cap) {
    g_pending_cap = g_pending_cap ? g_pending_cap * 2 : 256;
    g_pending = realloc(g_pending, g_pending_cap * sizeof(PyObject *));
  }
  g_pending[g_pending_len++] = (PyObject *)data;
}

static napi_value make_pyref(napi_env env, PyObject *o) {
  napi_value obj;
  if (napi_new_instance(env, ref_value(env, g_pyref_class), 0, NULL, &obj) != napi_ok) return NULL;
  napi_type_tag_object(env, obj, &PYREF_TAG);
  Py_INCREF(o);
  napi_wrap(env, obj, o, pyref_finalize, NULL, NULL);
  return obj;
}

static napi_value string_to_js(napi_env env, PyObject *o) {
  napi_value s;
  Py_ssize_t n = PyUnicode_GET_LENGTH(o);
  int kind = PyUnicode_KIND(o);
  if (kind == PyUnicode_1BYTE_KIND) {
    napi_create_string_latin1(env, (const char *)PyUnicode_DATA(o), n, &s);
  } else if (kind == PyUnicode_2BYTE_KIND) {
    napi_create_string_utf16(env, (const char16_t *)PyUnicode_DATA(o), n, &s);
  } else {
    PyObject *b = PyUnicode_AsEncodedString(o, "utf-8", "surrogatepass");
    if (!b) return NULL;
    napi_create_string_utf8(env, PyBytes_AS_STRING(b), PyBytes_GET_SIZE(b), &s);
    Py_DECREF(b);
  }
  return s;
}

static napi_value deep_to_js(napi_env env, PyObject *o) {
  napi_value r;
  if (PyList_Check(o) || PyTuple_Check(o) || PyAnySet_Check(o)) {
    PyObject *seq = PySequence_Fast(o, "not a sequence");
    if (!seq) return NULL;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
    napi_create_array_with_length(env, n, &r);
    for (Py_ssize_t i = 0; i < n; i++) {
      napi_value item = deep_to_js(env, PySequence_Fast_GET_ITEM(seq, i));
      if (!item) {
        Py_DECREF(seq);
        return NULL;
      }
      napi_set_element(env, r, i, item);
    }
    Py_DECREF(seq);
    if (PyAnySet_Check(o)) {
      napi_value set;
      if (napi_call_function(env, undefined_value(env), ref_value(env, g_make_set), 1, &r, &set) != napi_ok)
        return NULL;
      return set;
    }
    return r;
  }
  if (PyBytes_Check(o)) {
    void *data;
    napi_value ab;
    Py_ssize_t n = PyBytes_GET_SIZE(o);
    napi_create_arraybuffer(env, n, &data, &ab);
    memcpy(data, PyBytes_AS_STRING(o), n);
    napi_create_typedarray(env, napi_uint8_array, n, ab, 0, &r);
    return r;
  }
  return to_js(env, o);
}

static napi_value to_js(napi_env env, PyObject *o) {
  napi_value r;
  if (o == Py_None) return undefined_value(env);
  if (PyUnicode_CheckExact(o)) return string_to_js(env, o);
  if (PyBool_Check(o)) {
    napi_get_boolean(env, o == Py_True, &r);
    return r;
  }
  if (PyLong_Check(o)) {
    int overflow = 0;
    long long x = PyLong_AsLongLongAndOverflow(o, &overflow);
    if (!overflow && x <= 9007199254740992LL && x >= -9007199254740992LL) {
      napi_create_double(env, (double)x, &r);
      return r;
    }
    if (!overflow) {
      napi_create_bigint_int64(env, x, &r);
      return r;
    }
    return make_pyref(env, o);
  }
  if (PyFloat_Check(o)) {
    napi_create_double(env, PyFloat_AS_DOUBLE(o), &r);
    return r;
  }
  if (Py_TYPE(o) == &JsRefType) return ref_value(env, ((JsRef *)o)->ref);
  if (Py_TYPE(o) == &JsConvertType) return deep_to_js(env, ((JsConvert *)o)->value);
  if (PyUnicode_Check(o)) return string_to_js(env, o);
  return make_pyref(env, o);
}

// ---- errors from Python --------------------------------------------------------------------

/** Throw the pending Python exception as a JavaScript PythonError (message: the traceback). */
static napi_value throw_python_error(napi_env env) {
  PyObject *type, *value, *tb;
  PyErr_Fetch(&type, &value, &tb);
  PyErr_NormalizeException(&type, &value, &tb);
  if (tb && value) PyException_SetTraceback(value, tb);
  PyObject *lines = value ? PyObject_CallFunctionObjArgs(g_format_exception, value, NULL) : NULL;
  PyObject *text = NULL;
  if (lines) {
    PyObject *empty = PyUnicode_FromString("");
    text = PyUnicode_Join(empty, lines);
    Py_DECREF(empty);
    Py_DECREF(lines);
  }
  PyErr_Clear();
  napi_value msg, err, type_name;
  if (text) {
    msg = string_to_js(env, text);
    Py_DECREF(text);
  } else {
    napi_create_string_utf8(env, "Python failed (and its traceback could not be formatted)", NAPI_AUTO_LENGTH, &msg);
  }
  napi_new_instance(env, ref_value(env, g_python_error_class), 1, &msg, &err);
  const char *tn = type ? ((PyTypeObject *)type)->tp_name : "Exception";
  napi_create_string_utf8(env, tn, NAPI_AUTO_LENGTH, &type_name);
  napi_set_named_property(env, err, "type", type_name);
  Py_XDECREF(type);
  Py_XDECREF(value);
  Py_XDECREF(tb);
  napi_throw(env, err);
  return NULL;
}

// ---- the functions JavaScript calls --------------------------------------------------------

/** A new reference handed to JavaScript (converted, or as a Python object) and released here;
 * NULL means Python raised, which is thrown as PythonError. */
static napi_value hand_over(napi_env env, PyObject *owned, bool convert) {
  if (!owned) return throw_python_error(env);
  napi_value r = convert ? to_js(env, owned) : make_pyref(env, owned);
  Py_DECREF(owned);
  return r;
}

static bool check_started(napi_env env) {
  if (g_started && env == g_env) {
    release_pending();
    return true;
  }
  napi_throw_error(env, NULL, g_started ? "native Python belongs to another thread" : "native Python is not started");
  return false;
}

/** The call's arguments (at most `max`; their count in *argc) once native Python is started
 * here; false with a JavaScript error thrown otherwise. */
static bool take_args(napi_env env, napi_callback_info info, napi_value *argv, size_t max, size_t *argc) {
  if (!check_started(env)) return false;
  *argc = max;
  napi_get_cb_info(env, info, argc, argv, NULL, NULL);
  if (*argc > max) {
    napi_throw_error(env, NULL, "too many arguments for a call into Python");
    return false;
  }
  return true;
}

static PyObject *arg_pyref(napi_env env, napi_value v) {
  bool tagged = false;
  napi_check_object_type_tag(env, v, &PYREF_TAG, &tagged);
  if (!tagged) {
    napi_throw_type_error(env, NULL, "not a Python object");
    return NULL;
  }
  void *p = NULL;
  napi_unwrap(env, v, &p);
  return (PyObject *)p;
}

static char *arg_string(napi_env env, napi_value v) {
  size_t len = 0;
  if (napi_get_value_string_utf8(env, v, NULL, 0, &len) != napi_ok) {
    napi_throw_type_error(env, NULL, "expected a string");
    return NULL;
  }
  char *s = malloc(len + 1);
  napi_get_value_string_utf8(env, v, s, len + 1, &len);
  return s;
}

/** The call's one argument, a string (malloc'ed; NULL with a JavaScript TypeError thrown). */
static char *only_string_arg(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value arg;
  napi_get_cb_info(env, info, &argc, &arg, NULL, NULL);
  return arg_string(env, arg);
}

static napi_ref keep(napi_env env, napi_value v) {
  napi_ref r;
  napi_create_reference(env, v, 1, &r);
  return r;
}

/** start({libpython, executable, PyRef, PythonError, entries, makeSet}) */
static napi_value js_start(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value opts;
  napi_get_cb_info(env, info, &argc, &opts, NULL, NULL);
  if (g_started) {
    napi_throw_error(env, NULL, env == g_env ? "native Python is started already" : "native Python belongs to another thread");
    return NULL;
  }
  napi_value v;
  NAPI_OK(napi_get_named_property(env, opts, "libpython", &v));
  char *lib = arg_string(env, v);
  if (!lib) return NULL;
  // Extension modules of the standard library expect libpython's symbols to be global.
  if (!dlopen(lib, RTLD_NOW | RTLD_GLOBAL)) {
    napi_throw_error(env, NULL, dlerror());
    free(lib);
    return NULL;
  }
  free(lib);
  NAPI_OK(napi_get_named_property(env, opts, "PyRef", &v));
  g_pyref_class = keep(env, v);
  NAPI_OK(napi_get_named_property(env, opts, "PythonError", &v));
  g_python_error_class = keep(env, v);
  NAPI_OK(napi_get_named_property(env, opts, "entries", &v));
  g_entries = keep(env, v);
  NAPI_OK(napi_get_named_property(env, opts, "makeSet", &v));
  g_make_set = keep(env, v);
  napi_value global, ctor;
  napi_get_global(env, &global);
  napi_get_named_property(env, global, "Set", &ctor);
  g_set_class = keep(env, ctor);
  napi_get_named_property(env, global, "Map", &ctor);
  g_map_class = keep(env, ctor);
  napi_value object_ctor, proto;
  napi_get_named_property(env, global, "Object", &object_ctor);
  napi_get_named_property(env, object_ctor, "prototype", &proto);
  g_object_proto = keep(env, proto);

  PyImport_AppendInittab("_kiln_native", init_native_module);
  PyConfig config;
  PyConfig_InitPythonConfig(&config);
  config.install_signal_handlers = 0;  // signals stay Node's
  config.parse_argv = 0;
  config.user_site_directory = 0;
  // One hash seed for every parser process, so that sets iterate alike in all of them.
  config.use_hash_seed = 1;
  config.hash_seed = 0;
  NAPI_OK(napi_get_named_property(env, opts, "executable", &v));
  char *exe = arg_string(env, v);
  if (!exe) return NULL;
  PyStatus status = PyConfig_SetBytesString(&config, &config.executable, exe);
  if (!PyStatus_Exception(status)) status = PyConfig_SetBytesString(&config, &config.program_name, exe);
  free(exe);
  if (!PyStatus_Exception(status)) status = Py_InitializeFromConfig(&config);
  PyConfig_Clear(&config);
  if (PyStatus_Exception(status)) {
    napi_throw_error(env, NULL, status.err_msg ? status.err_msg : "Python failed to start");
    return NULL;
  }
  PyObject *tbmod = PyImport_ImportModule("traceback");
  g_format_exception = tbmod ? PyObject_GetAttrString(tbmod, "format_exception") : NULL;
  Py_XDECREF(tbmod);
  if (!g_format_exception) {
    PyErr_Print();
    napi_throw_error(env, NULL, "Python started without its traceback module");
    return NULL;
  }
  g_env = env;
  g_started = 1;
  return undefined_value(env);
}

/** exec(code): run statements in __main__. */
static napi_value js_exec(napi_env env, napi_callback_info info) {
  if (!check_started(env)) return NULL;
  char *code = only_string_arg(env, info);
  if (!code) return NULL;
  PyObject *main = PyImport_AddModule("__main__");
  PyObject *globals = PyModule_GetDict(main);
  PyObject *r = PyRun_String(code, Py_file_input, globals, globals);
  free(code);
  if (!r) return throw_python_error(env);
  Py_DECREF(r);
  return undefined_value(env);
}

/** import(name): the module, as a Python object. */
static napi_value js_import(napi_env env, napi_callback_info info) {
  if (!check_started(env)) return NULL;
  char *name = only_string_arg(env, info);
  if (!name) return NULL;
  PyObject *m = PyImport_ImportModule(name);
  free(name);
  return hand_over(env, m, false);
}

/** get(obj, name): an attribute, converted. */
static napi_value js_get(napi_env env, napi_callback_info info) {
  size_t argc;
  napi_value argv[2];
  if (!take_args(env, info, argv, 2, &argc)) return NULL;
  PyObject *obj = arg_pyref(env, argv[0]);
  char *name = obj ? arg_string(env, argv[1]) : NULL;
  if (!name) return NULL;
  PyObject *v = PyObject_GetAttrString(obj, name);
  free(name);
  return hand_over(env, v, true);
}

/** call(fn, ...args): call a Python object, the result converted. */
static napi_value js_call(napi_env env, napi_callback_info info) {
  size_t argc;
  napi_value argv[16];
  if (!take_args(env, info, argv, 16, &argc)) return NULL;
  PyObject *fn = argc > 0 ? arg_pyref(env, argv[0]) : NULL;
  if (!fn) return NULL;
  PyObject *args = PyTuple_New(argc - 1);
  for (size_t i = 1; i < argc; i++) {
    PyObject *a = to_py(env, argv[i]);
    if (!a) {
      Py_DECREF(args);
      return throw_python_error(env);
    }
    PyTuple_SET_ITEM(args, i - 1, a);
  }
  PyObject *r = PyObject_Call(fn, args, NULL);
  Py_DECREF(args);
  bool pending = false;
  if (!r) napi_is_exception_pending(env, &pending);
  if (pending) {
    PyErr_Clear();  // a JavaScript exception is on its way already
    return NULL;
  }
  return hand_over(env, r, true);
}

/** str(obj): Python's str() of a Python object. */
static napi_value js_str(napi_env env, napi_callback_info info) {
  size_t argc;
  napi_value arg;
  if (!take_args(env, info, &arg, 1, &argc)) return NULL;
  PyObject *obj = arg_pyref(env, arg);
  if (!obj) return NULL;
  PyObject *s = PyObject_Str(obj);
  if (!s) return throw_python_error(env);
  napi_value r = string_to_js(env, s);
  Py_DECREF(s);
  return r;
}

/** isPyRef(v): whether v is a Python object held by JavaScript. */
static napi_value js_is_pyref(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value arg, r;
  napi_get_cb_info(env, info, &argc, &arg, NULL, NULL);
  bool tagged = false;
  napi_valuetype t;
  napi_typeof(env, arg, &t);
  if (t == napi_object) napi_check_object_type_tag(env, arg, &PYREF_TAG, &tagged);
  napi_get_boolean(env, tagged, &r);
  return r;
}

// ---- a counter shared between processes ----------------------------------------------------

/** claim(path): add one to the 32-bit counter kept in the file `path` (made zero-filled by the
 * caller) and return its previous value: parser processes take recipe files this way. */
static napi_value js_claim(napi_env env, napi_callback_info info) {
  static char mapped_path[4096];
  static int32_t *counter;
  napi_value r;
  char *path = only_string_arg(env, info);
  if (!path) return NULL;
  if (!counter || strcmp(path, mapped_path) != 0) {
    if (counter) munmap(counter, sizeof(int32_t));
    counter = NULL;
    int fd = open(path, O_RDWR);
    void *p = fd >= 0 ? mmap(NULL, sizeof(int32_t), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0) : MAP_FAILED;
    if (fd >= 0) close(fd);
    if (p == MAP_FAILED) {
      free(path);
      napi_throw_error(env, NULL, "cannot map the shared job counter");
      return NULL;
    }
    counter = p;
    snprintf(mapped_path, sizeof mapped_path, "%s", path);
  }
  free(path);
  napi_create_int32(env, __atomic_fetch_add(counter, 1, __ATOMIC_SEQ_CST), &r);
  return r;
}

// ---- module --------------------------------------------------------------------------------

NAPI_MODULE_INIT(/* napi_env env, napi_value exports */) {
  napi_property_descriptor props[] = {
      {"start", NULL, js_start, NULL, NULL, NULL, napi_default, NULL},
      {"exec", NULL, js_exec, NULL, NULL, NULL, napi_default, NULL},
      {"import", NULL, js_import, NULL, NULL, NULL, napi_default, NULL},
      {"get", NULL, js_get, NULL, NULL, NULL, napi_default, NULL},
      {"call", NULL, js_call, NULL, NULL, NULL, napi_default, NULL},
      {"str", NULL, js_str, NULL, NULL, NULL, napi_default, NULL},
      {"isPyRef", NULL, js_is_pyref, NULL, NULL, NULL, napi_default, NULL},
      {"claim", NULL, js_claim, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  return exports;
}
