/* btlib.c - bpftrace's library functions written in its language, see
 * btlib.h. */
#include "btlib.h"

#include <ctype.h>
#include <string.h>

/* abs_path(NAME, DEPTH): NAME (a path as a process gave it to a system
 * call) made absolute against the current task's working directory, in a
 * string[256], as current bpftrace's stdlib does: a NAME starting with
 * '/' is itself; else the directory is walked up dentry by dentry (at most
 * DEPTH steps, a step into the mount below counting as one), the names
 * put in front of NAME. "" gives the directory itself: cwd().
 * Nothing is normalized ("./x" keeps its "."), and a walk cut short by
 * DEPTH gives the deepest components only, as bpftrace's. */
static const char path_bt[] =
	"macro abs_path(name, depth)\n"
	"{\n"
	"  let $path : string[256];\n"
	"  if comptime (!is_str(name)) {\n"
	"    fail(\"abs_path() takes a string: the path to make absolute\");\n"
	"  } else if comptime (!is_integer(depth)) {\n"
	"    fail(\"abs_path() takes how many directories to walk up at most (an integer) second\");\n"
	"  } else {\n"
	"    let $given = name;\n"
	"    if ($given[0] == \"/\"[0]) {\n"
	"      $path = $given;\n"
	"    } else {\n"
	"      $dir = curtask->fs->pwd.dentry;\n"
	"      $vfsmount = curtask->fs->pwd.mnt;\n"
	"      $mount = (struct mount *)((uint64)$vfsmount - offsetof(struct mount, mnt));\n"
	"      $mount_top = $vfsmount->mnt_root;\n"
	"      $path = $given;\n"
	"      for $step : 0..depth {\n"
	"        if ($dir == $dir->d_parent || $dir == $mount_top) {\n"
	"          // the top of a mount: on to where it is mounted, or the end\n"
	"          if ($mount == $mount->mnt_parent) {\n"
	"            break;\n"
	"          }\n"
	"          $dir = $mount->mnt_mountpoint;\n"
	"          $mount = $mount->mnt_parent;\n"
	"          $mount_top = $mount->mnt.mnt_root;\n"
	"          continue;\n"
	"        }\n"
	"        $component = str($dir->d_name.name);\n"
	"        if ($path == \"\") {\n"
	"          $path = $component;\n"
	"        } else if ($component != \"/\") {\n"
	"          $path = str_concat(str_concat($component, \"/\"), $path);\n"
	"        }\n"
	"        $dir = $dir->d_parent;\n"
	"      }\n"
	"      if ($path[0] != \"/\"[0]) {\n"
	"        $path = str_concat(\"/\", $path);\n"
	"      }\n"
	"    }\n"
	"  }\n"
	"  $path\n"
	"}\n"
	"\n"
	"// cwd(): the current task's working directory.\n"
	"macro cwd()\n"
	"{\n"
	"  abs_path(\"\", 32)\n"
	"}\n";

static const char *const path_names[] = { "abs_path", "cwd", NULL };

const struct fth_stdlib_file fth_stdlib_files[] = {
	{ "stdlib/path.bt", path_bt, path_names },
	{ NULL, NULL, NULL },
};

static bool ident_char(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

bool fth_stdlib_wanted(const struct fth_stdlib_file *f, const char *text)
{
	for (const char *const *n = f->names; *n; n++) {
		size_t len = strlen(*n);
		for (const char *at = strstr(text, *n); at; at = strstr(at + 1, *n))
			if ((at == text || !ident_char(at[-1])) && !ident_char(at[len]))
				return true;
	}
	return false;
}
